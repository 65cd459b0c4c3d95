using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using DaprPlatform.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Sidecar.Tests.Invocation;

/// <summary>A request as the app received it: verb, raw target (path and query), headers and body.</summary>
public sealed record ReceivedRequest(string Method, string Target, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}

/// <summary>
/// A small real app behind a sidecar (Kestrel on a free port) with the routes the invocation tests need:
/// <list type="bullet">
/// <item><c>/echo/**</c>: answers 200 with what it received (method, target, headers, body) as JSON.</item>
/// <item><c>/status/{code}</c>: answers that status with a text body and an <c>x-app-status</c> header.</item>
/// <item><c>/flaky/{key}/{n}</c>: 500 for the first n calls of key, then 200 echoing the body.</item>
/// <item><c>/slow/{ms}</c>: answers after a delay.</item>
/// <item><c>/download/{bytes}</c>: streams that many bytes (chunked).</item>
/// <item><c>/upload/{key}</c>: reads the body as it arrives, opens gate "upload-{key}" after the first MiB, answers length and SHA-256.</item>
/// <item><c>/sse/{key}</c>: an event stream: one event, then waits for gate "sse-{key}", then a second event.</item>
/// <item><c>/whoami</c>: the app's name.</item>
/// </list>
/// Every request is recorded, and calls are counted per target.
/// </summary>
public sealed class TargetApp : IAsyncDisposable
{
    public const int MiB = 1024 * 1024;

    /// <summary>The reflect route answers with this header's value in <see cref="ReflectedHeader"/>.</summary>
    public const string ReflectHeader = "x-reflect";

    public const string ReflectedHeader = "x-reflected";

    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _hits = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);

    private TargetApp(WebApplication app, int port, string name)
    {
        _app = app;
        Port = port;
        Name = name;
    }

    public int Port { get; }

    public string Name { get; }

    public ConcurrentQueue<ReceivedRequest> Received { get; } = new();

    /// <summary>How many calls reached this target (path and query).</summary>
    public int Hits(string target) => _hits.GetValueOrDefault(target);

    /// <summary>A gate the app waits on (sse-*) or opens (upload-*).</summary>
    public TaskCompletionSource Gate(string name) =>
        _gates.GetOrAdd(name, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>The last request received whose target starts with <paramref name="prefix"/>.</summary>
    public ReceivedRequest Last(string prefix) => Received.Last(r => r.Target.StartsWith(prefix, StringComparison.Ordinal));

    public static async Task<TargetApp> StartAsync(string name = "app")
    {
        var port = FreePort.Get();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Listen(IPAddress.Loopback, port);
            k.Limits.MaxRequestBodySize = null;
            // The reflect route answers with whatever text it was sent, non-ASCII included.
            k.ResponseHeaderEncodingSelector = _ => Encoding.UTF8;
        });
        var app = builder.Build();
        var target = new TargetApp(app, port, name);
        app.Run(target.HandleAsync);
        await app.StartAsync();
        return target;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var gate in _gates.Values)
        {
            gate.TrySetResult();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var target = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        _hits.AddOrUpdate(target, 1, (_, n) => n + 1);
        var headers = request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var segments = (request.Path.Value ?? "/").Split('/', StringSplitOptions.RemoveEmptyEntries);
        var route = segments.Length > 0 ? segments[0] : "";
        var ct = context.RequestAborted;

        if (route == "upload")
        {
            Received.Enqueue(new ReceivedRequest(request.Method, target, headers, []));
            await UploadAsync(context, segments[1]);
            return;
        }

        var body = await ReadAllAsync(request.Body, ct);
        Received.Enqueue(new ReceivedRequest(request.Method, target, headers, body));
        switch (route)
        {
            case "status":
                var code = int.Parse(segments[1], System.Globalization.CultureInfo.InvariantCulture);
                context.Response.StatusCode = code;
                context.Response.Headers["x-app-status"] = segments[1];
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync($"app says {code}", ct);
                return;
            case "flaky":
                var key = $"flaky/{segments[1]}";
                var failures = int.Parse(segments[2], System.Globalization.CultureInfo.InvariantCulture);
                var attempt = _hits.AddOrUpdate(key, 1, (_, n) => n + 1);
                context.Response.StatusCode = attempt <= failures ? 500 : 200;
                context.Response.ContentType = "text/plain";
                await context.Response.WriteAsync(attempt <= failures ? $"failure {attempt}" : $"ok after {attempt}: {Encoding.UTF8.GetString(body)}", ct);
                return;
            case "slow":
                await Task.Delay(int.Parse(segments[1], System.Globalization.CultureInfo.InvariantCulture), ct);
                await context.Response.WriteAsync("slow done", ct);
                return;
            case "download":
                await DownloadAsync(context, long.Parse(segments[1], System.Globalization.CultureInfo.InvariantCulture));
                return;
            case "sse":
                context.Response.ContentType = "text/event-stream";
                await context.Response.WriteAsync("data: one\n\n", ct);
                await context.Response.Body.FlushAsync(ct);
                await Gate("sse-" + segments[1]).Task.WaitAsync(ct);
                await context.Response.WriteAsync("data: two\n\n", ct);
                return;
            case "reflect":
                context.Response.Headers[ReflectedHeader] = request.Headers[ReflectHeader];
                await context.Response.WriteAsync("reflected", ct);
                return;
            case "whoami":
                await context.Response.WriteAsync(Name, ct);
                return;
            case "echo" or "":
                context.Response.ContentType = "application/json";
                context.Response.Headers["x-app-header"] = "from-app";
                await context.Response.WriteAsync(JsonSerializer.Serialize(new
                {
                    method = request.Method,
                    target,
                    headers,
                    body = Encoding.UTF8.GetString(body),
                }), ct);
                return;
            default:
                context.Response.StatusCode = 404;
                await context.Response.WriteAsync("no such route", ct);
                return;
        }
    }

    private async Task UploadAsync(HttpContext context, string key)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[64 * 1024];
        long length = 0;
        int read;
        while ((read = await context.Request.Body.ReadAsync(buffer, context.RequestAborted)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            length += read;
            if (length >= MiB)
            {
                Gate("upload-" + key).TrySetResult();
            }
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new { length, sha256 = Convert.ToHexStringLower(hash.GetHashAndReset()) }), context.RequestAborted);
    }

    private static async Task DownloadAsync(HttpContext context, long bytes)
    {
        context.Response.ContentType = "application/octet-stream";
        var chunk = new byte[64 * 1024];
        long sent = 0;
        while (sent < bytes)
        {
            var count = (int)Math.Min(chunk.Length, bytes - sent);
            Pattern(sent, chunk.AsSpan(0, count));
            await context.Response.Body.WriteAsync(chunk.AsMemory(0, count), context.RequestAborted);
            sent += count;
        }
    }

    /// <summary>The deterministic bytes of the download at this offset.</summary>
    public static void Pattern(long offset, Span<byte> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (byte)((offset + i) % 251);
        }
    }

    private static async Task<byte[]> ReadAllAsync(Stream body, CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, ct);
        return buffer.ToArray();
    }
}
