using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Benchmarks.Forwarder;

/// <summary>
/// The floor of the invocation scenario (<c>forwarder --port N --to URL</c>, published with NativeAOT as the sidecar
/// is): the least an HTTP hop built on the same stack as the sidecar can do — Kestrel in, one pooled <see cref="SocketsHttpHandler"/>
/// out, the body streamed both ways — with none of the sidecar's work (no routing, headers, tracing, resiliency or
/// metrics). Two of them in a row show what Kestrel and SocketsHttpHandler alone add on this machine, so the sidecar
/// path can be read against it.
/// </summary>
public static class MinimalForwarder
{
    /// <summary>Answered by the forwarder itself, as the benchmark apps answer it: the harness waits for it.</summary>
    public const string HealthPath = "/healthz";

    public static async Task<int> RunAsync(int port, Uri target)
    {
        await using var app = Create(port, target);
        await app.RunAsync();
        return 0;
    }

    /// <summary>The forwarder listening on 127.0.0.1:<paramref name="port"/>; answers <see cref="HealthPath"/> itself.</summary>
    public static WebApplication Create(int port, Uri target)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var client = new HttpMessageInvoker(new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.None,
            ActivityHeadersPropagator = null,
        });
        app.Lifetime.ApplicationStopped.Register(client.Dispose);
        var targetBase = target.GetLeftPart(UriPartial.Authority);
        app.Run(context => context.Request.Path == HealthPath
            ? Task.CompletedTask
            : ForwardAsync(client, targetBase, context));
        return app;
    }

    private static async Task ForwardAsync(HttpMessageInvoker client, string targetBase, HttpContext context)
    {
        var incoming = context.Request;
        using var request = new HttpRequestMessage(HttpMethod.Parse(incoming.Method), targetBase + incoming.Path.Value + incoming.QueryString.Value);
        if (incoming.ContentLength is > 0)
        {
            request.Content = new StreamContent(incoming.Body);
            request.Content.Headers.ContentLength = incoming.ContentLength;
            if (incoming.ContentType is { } contentType)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            }
        }

        using var response = await client.SendAsync(request, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        context.Response.ContentLength = response.Content.Headers.ContentLength;
        context.Response.ContentType = response.Content.Headers.ContentType?.ToString();
        await using var body = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        await body.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
