using DaprPlatform.Sdk.Tests.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Sdk.Tests.Integration;

/// <summary>A callee ASP.NET Core app behind its sidecar, and a caller sidecar (no app) with an SDK client.</summary>
public sealed class InvocationFixture(InfraFixture infra) : IAsyncLifetime
{
    private ResourcesDirectory? _resources;

    public string CalleeId { get; } = infra.UniqueName("sdk-callee");

    public DaprWebApp Callee { get; private set; } = null!;

    public SidecarProcess CallerSidecar { get; private set; } = null!;

    public DaprClient Caller { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _resources = IntegrationComponents.Create(infra);
        Callee = await DaprWebApp.StartAsync(CalleeId, _resources.Path, app =>
        {
            app.MapGet("/orders/{id}", (string id) => new Order(id, 3));
            app.MapPost("/orders", (Order order, HttpRequest request) =>
                new InvocationEcho(order, request.Headers["dapr-caller-app-id"].ToString(), request.Headers["dapr-callee-app-id"].ToString()));
            app.MapPut("/orders/{id}/quantity", (string id, int quantity) => new Order(id, quantity));
            app.MapDelete("/orders/{id}", (string id) => TypedResults.NoContent());
            app.MapPost("/conflict", () => TypedResults.Problem(title: "order already shipped", statusCode: StatusCodes.Status409Conflict));
        });
        CallerSidecar = await SidecarProcess.StartAsync(new SidecarProcessOptions
        {
            AppId = infra.UniqueName("sdk-caller"),
            ResourcesPaths = [_resources.Path],
        });
        Caller = IntegrationComponents.ClientFor(CallerSidecar);
    }

    public async ValueTask DisposeAsync()
    {
        Caller?.Dispose();
        if (CallerSidecar is not null)
        {
            await CallerSidecar.DisposeAsync();
        }

        if (Callee is not null)
        {
            await Callee.DisposeAsync();
        }

        _resources?.Dispose();
    }
}

public sealed record InvocationEcho(Order Order, string CallerAppId, string CalleeAppId);

/// <summary>The SDK's invocation API through two real sidecars (caller's and callee's) to a real ASP.NET Core app.</summary>
public sealed class InvocationIntegrationTests(InvocationFixture fixture) : IClassFixture<InvocationFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DaprClient Caller => fixture.Caller;

    [Fact]
    public async Task GET_with_a_typed_response()
    {
        var order = await Caller.InvokeMethodAsync<Order>(HttpMethod.Get, fixture.CalleeId, "orders/7", Ct);

        Assert.Equal(new Order("7", 3), order);
    }

    [Fact]
    public async Task POST_with_a_JSON_body_arrives_with_the_caller_and_callee_ids()
    {
        var echo = await Caller.InvokeMethodAsync<Order, InvocationEcho>(fixture.CalleeId, "orders", new Order("o-9", 2), Ct);

        Assert.Equal(new InvocationEcho(new Order("o-9", 2), fixture.CallerSidecar.AppId, fixture.CalleeId), echo);
    }

    [Fact]
    public async Task Query_strings_and_other_verbs_reach_the_app()
    {
        var request = Caller.CreateInvokeMethodRequest(HttpMethod.Put, fixture.CalleeId, "orders/5/quantity?quantity=11");
        Assert.Equal(new Order("5", 11), await Caller.InvokeMethodAsync<Order>(request, Ct));

        using var response = await Caller.InvokeMethodWithResponseAsync(
            Caller.CreateInvokeMethodRequest(HttpMethod.Delete, fixture.CalleeId, "orders/5"), Ct);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task An_app_problem_response_is_a_DaprInvocationException_with_the_problem()
    {
        var error = await Assert.ThrowsAsync<DaprInvocationException>(
            () => Caller.InvokeMethodAsync(HttpMethod.Post, fixture.CalleeId, "conflict", Ct));

        Assert.Equal(HttpStatusCode.Conflict, error.StatusCode);
        Assert.Equal("order already shipped", error.Problem?.Title);
        Assert.Null(error.SidecarError);
    }

    [Fact]
    public async Task An_app_id_nobody_runs_is_a_sidecar_ERR_DIRECT_INVOKE()
    {
        var error = await Assert.ThrowsAsync<DaprInvocationException>(
            () => Caller.InvokeMethodAsync<Order>(HttpMethod.Get, "sdk-nobody-runs-this", "orders/1", Ct));

        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal("ERR_DIRECT_INVOKE", error.SidecarError?.ErrorCode);
    }

    [Fact]
    public async Task An_HttpClient_with_AddDaprInvocation_addresses_the_app_by_id()
    {
        var services = new ServiceCollection();
        services.AddDaprClient(options => options.HttpEndpoint = $"http://127.0.0.1:{fixture.CallerSidecar.HttpPort}");
        services.AddHttpClient("callee", client => client.BaseAddress = new Uri($"http://{fixture.CalleeId}/")).AddDaprInvocation();
        await using var provider = services.BuildServiceProvider();
        var http = provider.GetRequiredService<IHttpClientFactory>().CreateClient("callee");

        var order = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<Order>(http, "orders/42", JsonSerializerOptions.Web, Ct);

        Assert.Equal(new Order("42", 3), order);
    }
}
