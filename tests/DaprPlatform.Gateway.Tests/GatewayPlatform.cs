using System.Net;
using System.Net.Http.Headers;
using DaprPlatform.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

[assembly: AssemblyFixture(typeof(DaprPlatform.Gateway.Tests.GatewayPlatform))]

namespace DaprPlatform.Gateway.Tests;

/// <summary>
/// The gateway in memory (TestServer) whose sidecar is a real one with app id "gateway", and a stand-in app behind its
/// own real sidecar for every service the gateway routes to. The sidecars share a dev home of their own, so name
/// resolution sees only these apps.
/// </summary>
public sealed class GatewayPlatform : IAsyncLifetime
{
    public static readonly string[] AppIds = ["identity", "catalog", "ordering", "payments", "analytics", "notifications"];

    private readonly List<WebApplicationFactory<Program>> _gateways = [];

    public string DevHome { get; } = Directory.CreateTempSubdirectory("gateway-tests-").FullName;

    public SidecarProcess GatewaySidecar { get; private set; } = null!;

    public Dictionary<string, StandInApp> Apps { get; } = [];

    /// <summary>The gateway with limits high enough never to get in a test's way.</summary>
    public HttpClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var starting = AppIds.Select(appId => StandInApp.StartAsync(appId, DevHome, ct)).ToList();
        var gatewaySidecar = SidecarProcess.StartAsync(new SidecarProcessOptions { AppId = "gateway", DaprDevHome = DevHome }, ct);
        foreach (var app in await Task.WhenAll(starting))
        {
            Apps[app.AppId] = app;
        }

        GatewaySidecar = await gatewaySidecar;
        await WaitUntilEveryAppIsReachableAsync();
        Client = CreateGateway().CreateClient();
    }

    /// <summary>Another gateway on the same sidecar, with settings of its own.</summary>
    /// <param name="peer">The address every connection comes from (TestServer has none of its own).</param>
    public WebApplicationFactory<Program> CreateGateway(IReadOnlyDictionary<string, string>? settings = null, Uri? sidecar = null, IPAddress? peer = null)
    {
        var all = new Dictionary<string, string>
        {
            ["DAPR_HTTP_ENDPOINT"] = (sidecar ?? GatewaySidecar.HttpEndpoint).ToString().TrimEnd('/'),
            ["DAPR_GRPC_ENDPOINT"] = $"http://127.0.0.1:{GatewaySidecar.GrpcPort}",
            ["Jwt:PublicKeyPem"] = TestTokens.PublicKeyPem,
            ["Gateway:RateLimit:PermitsPerWindow"] = "100000",
            ["Gateway:RateLimit:CredentialPermitsPerWindow"] = "100000",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            all[key] = value;
        }

        var gateway = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            foreach (var (key, value) in all)
            {
                web.UseSetting(key, value);
            }

            if (peer is not null)
            {
                web.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new PeerAddress(peer)));
            }
        });
        _gateways.Add(gateway);
        return gateway;
    }

    public static HttpRequestMessage Request(HttpMethod method, string path, string? token = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }

        foreach (var app in Apps.Values)
        {
            await app.DisposeAsync();
        }

        if (GatewaySidecar is not null)
        {
            await GatewaySidecar.DisposeAsync();
        }

        try
        {
            Directory.Delete(DevHome, recursive: true);
        }
        catch (IOException)
        {
            // A sidecar still exiting may hold a registry file for a moment.
        }
    }

    // Sidecars register in the dev home as they start; a call through the gateway's sidecar proves each one is found.
    private async Task WaitUntilEveryAppIsReachableAsync()
    {
        foreach (var appId in AppIds)
        {
            var reachable = await Eventually.ReturnsAsync(async () =>
            {
                using var response = await GatewaySidecar.HttpClient.GetAsync($"v1.0/invoke/{appId}/method/ready", TestContext.Current.CancellationToken);
                return response.StatusCode == HttpStatusCode.OK;
            }, TimeSpan.FromSeconds(30));
            Assert.True(reachable, $"{appId} is not reachable through the gateway's sidecar.\n{GatewaySidecar.Output}");
        }
    }
}

/// <summary>Gives every request the connection address a real client or proxy would have, before any middleware.</summary>
internal sealed class PeerAddress(IPAddress address) : IStartupFilter
{
    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            context.Connection.RemoteIpAddress = address;
            return nextMiddleware(context);
        });
        next(app);
    };
}
