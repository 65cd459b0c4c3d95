using System.Net;
using System.Text;
using DaprPlatform.Benchmarks.Forwarder;
using DaprPlatform.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Benchmarks.Forwarder.Tests;

public sealed class MinimalForwarderTests : IAsyncLifetime
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly int _upstreamPort = FreePort.Get();
    private readonly int _forwarderPort = FreePort.Get();
    private WebApplication? _upstream;
    private WebApplication? _forwarder;
    private readonly HttpClient _client = new();

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, _upstreamPort));
        _upstream = builder.Build();
        // Describes what arrived, so the test sees what the forwarder sent.
        _upstream.Run(async context =>
        {
            using var reader = new StreamReader(context.Request.Body);
            var body = await reader.ReadToEndAsync(context.RequestAborted);
            context.Response.StatusCode = StatusCodes.Status201Created;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(
                $"{context.Request.Method} {context.Request.Path}{context.Request.QueryString} [{context.Request.ContentType}] {body}", context.RequestAborted);
        });
        await _upstream.StartAsync(Ct);

        _forwarder = MinimalForwarder.Create(_forwarderPort, new Uri($"http://127.0.0.1:{_upstreamPort}"));
        await _forwarder.StartAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        foreach (var app in new[] { _forwarder, _upstream })
        {
            if (app is not null)
            {
                await app.StopAsync(CancellationToken.None);
                await app.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_request_is_forwarded_with_its_method_path_query_and_body_and_the_answer_comes_back_as_it_was()
    {
        using var content = new StringContent("{\"n\":1}", Encoding.UTF8, "application/json");

        using var response = await _client.PostAsync(new Uri($"http://127.0.0.1:{_forwarderPort}/echo/deep?x=1&y=two"), content, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("POST /echo/deep?x=1&y=two [application/json; charset=utf-8] {\"n\":1}", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_request_without_a_body_is_forwarded_without_one()
    {
        var answer = await _client.GetStringAsync(new Uri($"http://127.0.0.1:{_forwarderPort}/items"), Ct);

        Assert.Equal("GET /items [] ", answer);
    }

    [Fact]
    public async Task The_health_path_is_answered_by_the_forwarder_itself()
    {
        using var response = await _client.GetAsync(new Uri($"http://127.0.0.1:{_forwarderPort}{MinimalForwarder.HealthPath}"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync(Ct));
    }
}
