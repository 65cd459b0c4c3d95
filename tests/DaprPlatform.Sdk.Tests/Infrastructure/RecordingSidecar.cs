using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sdk.Tests.Infrastructure;

/// <summary>
/// A real Kestrel server on a loopback port that plays daprd: it records every request as it arrived on the wire
/// and answers with whatever the test scripts (daprd-shaped bodies from the wire reference). The client under test
/// talks to it over real sockets, exactly as it would to a sidecar.
/// </summary>
public sealed class RecordingSidecar : IAsyncDisposable
{
    public const string ApiToken = "test-dapr-token";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly ConcurrentQueue<Func<HttpResponse, Task>> _scriptedResponses = new();

    private RecordingSidecar(WebApplication app)
    {
        _app = app;
        Endpoint = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
    }

    public string Endpoint { get; }

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToArray();

    /// <summary>Answer used once the scripted answers run out; 204 like most daprd write APIs.</summary>
    public Func<HttpResponse, Task> DefaultResponse { get; set; } = DaprResponses.NoContent();

    public static async Task<RecordingSidecar> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();

        RecordingSidecar? sidecar = null;
        app.Run(context => sidecar!.HandleAsync(context));
        await app.StartAsync(TestContext.Current.CancellationToken);
        sidecar = new RecordingSidecar(app);
        return sidecar;
    }

    /// <summary>Queues answers for the next requests, in order.</summary>
    public RecordingSidecar Respond(params Func<HttpResponse, Task>[] responses)
    {
        foreach (var response in responses)
        {
            _scriptedResponses.Enqueue(response);
        }

        return this;
    }

    public RecordedRequest SingleRequest() => Assert.Single(Requests);

    public DaprClient CreateClient(string? apiToken = ApiToken) =>
        DaprClient.Create(new DaprClientOptions { HttpEndpoint = Endpoint, ApiToken = apiToken });

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var rawTarget = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        _requests.Enqueue(new RecordedRequest(context.Request.Method, rawTarget, headers, body.ToArray()));

        var respond = _scriptedResponses.TryDequeue(out var scripted) ? scripted : DefaultResponse;
        await respond(context.Response);
    }
}
