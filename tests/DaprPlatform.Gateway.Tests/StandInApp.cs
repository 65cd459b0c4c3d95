using System.Collections.Concurrent;
using System.Net;
using DaprPlatform.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Gateway.Tests;

/// <summary>What a stand-in app received: the request as the service behind its sidecar would see it.</summary>
public sealed record Echo(string App, string Method, string Path, string Query, Dictionary<string, string> Headers, string Body);

/// <summary>A canned answer a stand-in gives to one method and path instead of its echo.</summary>
public sealed record CannedResponse(int Status, string Body, string ContentType = "application/json");

/// <summary>
/// A stand-in for one platform service on Kestrel (a free port) behind its own real sidecar with the service's app id:
/// it answers every request with an <see cref="Echo"/> of what reached it, or with a canned response, and records
/// each request.
/// </summary>
public sealed class StandInApp : IAsyncDisposable
{
    /// <summary>Paths ending so answer only after 20 s: a service that accepted the call and hangs.</summary>
    public const string SlowPath = "/slow";

    private readonly WebApplication _app;

    private StandInApp(string appId, WebApplication app, int port)
    {
        AppId = appId;
        _app = app;
        Port = port;
    }

    public string AppId { get; }

    public int Port { get; }

    public SidecarProcess Sidecar { get; private set; } = null!;

    /// <summary>Keyed by "METHOD /path".</summary>
    public ConcurrentDictionary<string, CannedResponse> Canned { get; } = new(StringComparer.OrdinalIgnoreCase);

    public ConcurrentQueue<Echo> Received { get; } = new();

    public static async Task<StandInApp> StartAsync(string appId, string devHome, CancellationToken ct)
    {
        var port = FreePort.Get();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var standIn = new StandInApp(appId, app, port);
        app.Run(standIn.AnswerAsync);
        await app.StartAsync(ct);
        try
        {
            standIn.Sidecar = await SidecarProcess.StartAsync(new SidecarProcessOptions { AppId = appId, AppPort = port, DaprDevHome = devHome }, ct);
            return standIn;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    private async Task AnswerAsync(HttpContext context)
    {
        var request = context.Request;
        var echo = new Echo(
            AppId,
            request.Method,
            request.Path.Value ?? "",
            request.QueryString.Value ?? "",
            request.Headers.ToDictionary(header => header.Key.ToLowerInvariant(), header => header.Value.ToString()),
            await new StreamReader(request.Body).ReadToEndAsync(context.RequestAborted));
        Received.Enqueue(echo);

        if (request.Path.Value?.EndsWith(SlowPath, StringComparison.Ordinal) == true)
        {
            await Task.Delay(TimeSpan.FromSeconds(20), context.RequestAborted);
        }

        if (Canned.TryGetValue($"{request.Method} {request.Path}", out var canned))
        {
            context.Response.StatusCode = canned.Status;
            context.Response.ContentType = canned.ContentType;
            await context.Response.WriteAsync(canned.Body, context.RequestAborted);
            return;
        }

        // Services echo a request id too; the gateway's own must be what the client sees.
        context.Response.Headers["X-Request-Id"] = "set-by-the-service";
        await context.Response.WriteAsJsonAsync(echo, context.RequestAborted);
    }

    public async ValueTask DisposeAsync()
    {
        if (Sidecar is not null)
        {
            await Sidecar.DisposeAsync();
        }

        await _app.DisposeAsync();
    }
}
