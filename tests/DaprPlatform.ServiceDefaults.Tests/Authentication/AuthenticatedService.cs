using System.Security.Claims;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.ServiceDefaults.Tests.Authentication;

/// <summary>
/// A service with AddServiceDefaults and AddDefaultAuthentication on the in-memory TestServer, with one route per access
/// class: anonymous, any signed-in user, the customer policy and the admin policy.
/// </summary>
public sealed class AuthenticatedService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AuthenticatedService(WebApplication app)
    {
        _app = app;
        Client = ((TestServer)app.Services.GetRequiredService<IServer>()).CreateClient();
    }

    public HttpClient Client { get; }

    public static async Task<AuthenticatedService> StartAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddServiceDefaults();
        builder.AddDefaultAuthentication();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapGet("/public", () => "anyone");
        app.MapGet("/me", (ClaimsPrincipal user) => new Me(
            user.FindFirstValue("sub"), user.Identity?.Name, user.FindFirstValue("email"), [.. user.FindAll("role").Select(role => role.Value)], user.IsInRole(PlatformRoles.Admin)))
            .RequireAuthorization();
        app.MapGet("/customer", () => "customer").RequireAuthorization(AuthorizationPolicies.Customer);
        app.MapGet("/admin", () => "admin").RequireAuthorization(AuthorizationPolicies.Admin);
        await app.StartAsync(TestContext.Current.CancellationToken);
        return new AuthenticatedService(app);
    }

    public async Task<HttpResponseMessage> GetAsync(string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new("Bearer", token);
        }

        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.DisposeAsync();
    }

    public sealed record Me(string? Sub, string? Name, string? Email, string[] Roles, bool IsAdmin);
}
