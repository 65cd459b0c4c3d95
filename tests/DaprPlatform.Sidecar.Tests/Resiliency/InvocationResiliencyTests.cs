using System.Diagnostics;
using System.Net;
using DaprPlatform.Sidecar.Tests.Invocation;
using DaprPlatform.Testing;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Resiliency;

/// <summary>A caller sidecar whose Resiliency resource gives the callee a timeout, retries on 5xx and a circuit breaker.</summary>
public sealed class InvocationResiliencyFixture : IAsyncLifetime
{
    private ResourcesDirectory? _resources;

    public InvocationSidecars Sidecars { get; } = new();

    public string CalleeId { get; } = InvocationSidecars.UniqueId("resilient");

    public TargetApp App { get; private set; } = null!;

    public SidecarProcess Caller { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _resources = new ResourcesDirectory().AddFile("resiliency.yaml", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: invoke-resiliency
            spec:
              policies:
                timeouts:
                  quick: 400ms
                retries:
                  threeTimes:
                    policy: constant
                    duration: 50ms
                    maxRetries: 3
                    matching:
                      httpStatusCodes: "500-599"
                circuitBreakers:
                  breaker:
                    maxRequests: 1
                    timeout: 60s
                    trip: consecutiveFailures >= 4
              targets:
                apps:
                  {CalleeId}:
                    timeout: quick
                    retry: threeTimes
                    circuitBreaker: breaker
            """);
        App = await Sidecars.StartAppAsync();
        await Sidecars.StartSidecarAsync(new SidecarProcessOptions { AppId = CalleeId, AppPort = App.Port });
        Caller = await Sidecars.StartSidecarAsync(new SidecarProcessOptions { AppId = InvocationSidecars.UniqueId("caller"), ResourcesPaths = [_resources.Path] });
    }

    public async ValueTask DisposeAsync()
    {
        await Sidecars.DisposeAsync();
        _resources?.Dispose();
    }
}

/// <summary>
/// Resiliency of service invocation end to end. Circuit breakers are per endpoint (app and method), so each test
/// uses methods of its own.
/// </summary>
public sealed class InvocationResiliencyTests(InvocationResiliencyFixture fixture) : IClassFixture<InvocationResiliencyFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Caller => fixture.Caller.HttpClient;

    private string Method(string path) => $"v1.0/invoke/{fixture.CalleeId}/method/{path}";

    [Fact]
    public async Task Failing_twice_then_succeeding_is_retried_with_the_same_body()
    {
        var key = Guid.NewGuid().ToString("N");

        using var response = await Caller.PostAsync(Method($"flaky/{key}/2"), new StringContent("payload"), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ok after 3: payload", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(3, fixture.App.Hits($"/flaky/{key}/2"));
    }

    [Fact]
    public async Task Status_outside_matching_is_not_retried()
    {
        var key = Guid.NewGuid().ToString("N");

        using var response = await Caller.GetAsync(Method($"status/404?k={key}"), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("app says 404", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(1, fixture.App.Hits($"/status/404?k={key}"));
    }

    [Fact]
    public async Task Retries_exhausted_the_last_response_is_passed_back()
    {
        var key = Guid.NewGuid().ToString("N");

        using var response = await Caller.GetAsync(Method($"status/503?k={key}"), Ct);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("app says 503", await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("503", response.Headers.GetValues("x-app-status").Single());
        Assert.Equal(4, fixture.App.Hits($"/status/503?k={key}"));
    }

    [Fact]
    public async Task Slow_app_times_out_each_attempt_then_fails()
    {
        var started = Stopwatch.StartNew();

        using var response = await Caller.GetAsync(Method("slow/10000"), Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(
            ("ERR_DIRECT_INVOKE", $"failed to invoke, id: {fixture.CalleeId}, err: context deadline exceeded"),
            await InvocationSidecars.ErrorAsync(response));
        // Four attempts of 400 ms each, far less than one 10 s answer.
        Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(1500), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task Repeated_failures_open_the_circuit_for_that_endpoint_only()
    {
        using (var first = await Caller.GetAsync(Method("status/502"), Ct))
        {
            // Four failed attempts: the last one trips the breaker, and its response is what the caller gets.
            Assert.Equal(HttpStatusCode.BadGateway, first.StatusCode);
        }

        Assert.Equal(4, fixture.App.Hits("/status/502"));

        using var rejected = await Caller.GetAsync(Method("status/502"), Ct);
        Assert.Equal(HttpStatusCode.InternalServerError, rejected.StatusCode);
        Assert.Equal(
            ("ERR_DIRECT_INVOKE", $"failed to invoke, id: {fixture.CalleeId}, err: circuit breaker is open"),
            await InvocationSidecars.ErrorAsync(rejected));
        Assert.Equal(4, fixture.App.Hits("/status/502"));

        using var otherEndpoint = await Caller.GetAsync(Method("echo/still-open"), Ct);
        Assert.Equal(HttpStatusCode.OK, otherEndpoint.StatusCode);
    }
}
