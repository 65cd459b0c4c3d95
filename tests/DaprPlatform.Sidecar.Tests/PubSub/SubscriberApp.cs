using System.Collections.Concurrent;
using System.Net;
using System.Text;
using System.Text.Json;
using DaprPlatform.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sidecar.Tests.PubSub;

/// <summary>An event the app received from its sidecar.</summary>
public sealed record ReceivedEvent(string Path, string? ContentType, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public JsonElement Json => JsonDocument.Parse(Body).RootElement;

    public string Id => Json.GetProperty("id").GetString()!;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>What the app answers to one delivery.</summary>
public sealed record AppAnswer(int Status, string? Body = null)
{
    public static AppAnswer Success { get; } = new(200, """{"status":"SUCCESS"}""");

    public static AppAnswer Retry { get; } = new(200, """{"status":"RETRY"}""");

    public static AppAnswer Drop { get; } = new(200, """{"status":"DROP"}""");
}

/// <summary>
/// A small real app for the sidecar to talk to (Kestrel on a free port): it serves <c>GET /dapr/subscribe</c> with the
/// given subscriptions, records every other request and answers it as the test decides (by default 200 SUCCESS).
/// A decider returning null holds the request open until the test or the sidecar gives up.
/// </summary>
public sealed class SubscriberApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private readonly List<ReceivedEvent> _all = [];
    private readonly HashSet<ReceivedEvent> _taken = new(ReferenceEqualityComparer.Instance);
    private TaskCompletionSource _arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stopping = new();

    private SubscriberApp(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Decides the answer per event; null means "never answer" (the request hangs until cancelled).</summary>
    public Func<ReceivedEvent, AppAnswer?> Decide { get; set; } = _ => AppAnswer.Success;

    /// <summary>Awaited before answering an event, e.g. to hold one delivery open until the test releases it.</summary>
    public Func<ReceivedEvent, Task> Gate { get; set; } = _ => Task.CompletedTask;

    /// <summary>Every GET /dapr/subscribe request, for header checks.</summary>
    public ConcurrentQueue<IReadOnlyDictionary<string, string>> SubscribeRequests { get; } = new();

    public IReadOnlyList<ReceivedEvent> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _all];
            }
        }
    }

    public static async Task<SubscriberApp> StartAsync(string subscribeJson, int subscribeStatus = 200)
    {
        var port = FreePort.Get();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var subscriber = new SubscriberApp(app, port);
        app.MapGet("/dapr/subscribe", (HttpRequest request) =>
        {
            subscriber.SubscribeRequests.Enqueue(Headers(request));
            return Results.Text(subscribeJson, "application/json", statusCode: subscribeStatus);
        });
        app.MapFallback(subscriber.HandleAsync);
        await app.StartAsync();
        return subscriber;
    }

    /// <summary>
    /// The oldest event delivered to <paramref name="path"/> (and matching <paramref name="where"/>) that no earlier
    /// call returned, waiting for it if need be.
    /// </summary>
    public async Task<ReceivedEvent> NextAsync(string path, Func<ReceivedEvent, bool>? where = null, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        using var cts = new CancellationTokenSource(limit);
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                var found = _all.FirstOrDefault(e => e.Path == path && !_taken.Contains(e) && (where is null || where(e)));
                if (found is not null)
                {
                    _taken.Add(found);
                    return found;
                }

                arrived = _arrived.Task;
            }

            try
            {
                await arrived.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"no event arrived at {path} within {limit.TotalSeconds}s; received: "
                    + string.Join(", ", All.Select(e => e.Path)));
            }
        }
    }

    /// <summary>Waits, then returns the events that arrived at <paramref name="path"/> so far (for "nothing more came").</summary>
    public async Task<IReadOnlyList<ReceivedEvent>> SettleAsync(string path, TimeSpan quiet)
    {
        await Task.Delay(quiet);
        return All.Where(e => e.Path == path).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body);
        var e = new ReceivedEvent(context.Request.Path, context.Request.ContentType, Headers(context.Request), body.ToArray());
        lock (_gate)
        {
            _all.Add(e);
            _arrived.TrySetResult();
            _arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        await Gate(e);
        var answer = Decide(e);
        if (answer is null)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            try
            {
                await Task.Delay(Timeout.Infinite, linked.Token);
            }
            catch (OperationCanceledException)
            {
                // The sidecar went away, or the test ended.
            }

            return;
        }

        context.Response.StatusCode = answer.Status;
        if (answer.Body is not null)
        {
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(answer.Body, Encoding.UTF8);
        }
    }

    private static Dictionary<string, string> Headers(HttpRequest request) =>
        request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
}
