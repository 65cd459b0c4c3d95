using Dapr.Client;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprPlatform.OrderDemo;

/// <summary>
/// The demo's API. Every call to state, secrets or another app goes through this app's sidecar, so the demo
/// exercises the CLI's wiring end to end: ports from the environment, components, invocation between sidecars.
/// </summary>
public static class OrderEndpoints
{
    public const string StateStore = "statestore";
    public const string SecretStore = "secretstore";
    public const string GreetingSecret = "order-demo-greeting";

    /// <summary>The named HttpClient whose requests go to the peer app through the sidecar (Dapr's InvocationHandler).</summary>
    public const string PeerClient = "peer";

    public static void MapOrderDemo(this IEndpointRouteBuilder app, DemoSettings settings)
    {
        app.MapGet("/healthz", () => TypedResults.Ok());

        app.MapGet("/info", () => TypedResults.Ok(new AppInfo(
            Environment.GetEnvironmentVariable("APP_ID"),
            Environment.GetEnvironmentVariable("APP_PORT"),
            Environment.GetEnvironmentVariable("APP_PROTOCOL"),
            Environment.GetEnvironmentVariable("DAPR_HTTP_PORT"),
            Environment.GetEnvironmentVariable("DAPR_GRPC_PORT"),
            Environment.GetEnvironmentVariable("DAPR_METRICS_PORT"),
            Environment.GetEnvironmentVariable("APP_CHANNEL_ADDRESS"),
            settings.PeerAppId)));

        app.MapGet("/whoami", () => TypedResults.Ok(new Identity(settings.AppId)));

        // Calls the peer app's /whoami through both sidecars.
        app.MapGet("/peer/whoami", async Task<Results<Ok<Identity>, ProblemHttpResult>> (IHttpClientFactory clients, CancellationToken cancellationToken) =>
        {
            if (settings.PeerAppId is not { } peer)
            {
                return TypedResults.Problem("DEMO_PEER_APP_ID is not set", statusCode: StatusCodes.Status400BadRequest);
            }

            var identity = await clients.CreateClient(PeerClient).GetFromJsonAsync($"http://{peer}/whoami", OrderDemoJsonContext.Default.Identity, cancellationToken);
            return TypedResults.Ok(identity!);
        });

        app.MapPost("/orders", async Task<Results<Created<Order>, ProblemHttpResult>> (OrderRequest request, DaprClient dapr, IHttpClientFactory clients, CancellationToken cancellationToken) =>
        {
            if (string.IsNullOrWhiteSpace(request.Item) || request.Quantity <= 0)
            {
                return TypedResults.Problem("an order needs an item and a positive quantity", statusCode: StatusCodes.Status400BadRequest);
            }

            var id = Guid.NewGuid().ToString("N");
            var reservedBy = settings.PeerAppId is { } peer
                ? (await ReserveAsync(clients.CreateClient(PeerClient), peer, new ReservationRequest(id, request.Item, request.Quantity), cancellationToken)).ReservedBy
                : settings.AppId;
            var order = new Order(id, request.Item, request.Quantity, settings.AppId, reservedBy);
            await dapr.SaveStateAsync(StateStore, $"order-{id}", order, cancellationToken: cancellationToken);
            return TypedResults.Created($"/orders/{id}", order);
        });

        app.MapGet("/orders/{id}", async Task<Results<Ok<Order>, NotFound>> (string id, DaprClient dapr, CancellationToken cancellationToken) =>
            await dapr.GetStateAsync<Order>(StateStore, $"order-{id}", cancellationToken: cancellationToken) is { } order
                ? TypedResults.Ok(order)
                : TypedResults.NotFound());

        app.MapPost("/reserve", (ReservationRequest request) => TypedResults.Ok(new Reservation(request.OrderId, settings.AppId)));

        app.MapGet("/greeting", async (DaprClient dapr, CancellationToken cancellationToken) =>
        {
            var secret = await dapr.GetSecretAsync(SecretStore, GreetingSecret, cancellationToken: cancellationToken);
            return TypedResults.Ok(secret);
        });
    }

    private static async Task<Reservation> ReserveAsync(HttpClient peerClient, string peer, ReservationRequest request, CancellationToken cancellationToken)
    {
        using var response = await peerClient.PostAsJsonAsync($"http://{peer}/reserve", request, OrderDemoJsonContext.Default.ReservationRequest, cancellationToken);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync(OrderDemoJsonContext.Default.Reservation, cancellationToken))!;
    }
}
