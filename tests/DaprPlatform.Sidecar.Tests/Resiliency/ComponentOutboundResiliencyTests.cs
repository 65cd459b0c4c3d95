using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using DaprPlatform.Sidecar.Tests.PubSub;
using DaprPlatform.Testing;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Resiliency;

/// <summary>
/// One sidecar with state.redis components on the real Redis, most of them behind a TcpProxy of their own so a test
/// can take "its" Redis away (refuse, stall) without disturbing the others. Each component has its own outbound
/// policy in one Resiliency resource.
/// </summary>
public sealed class ComponentOutboundResiliencyFixture(InfraFixture infra) : IAsyncLifetime
{
    public const string Retried = "retried-store";
    public const string Unprotected = "unprotected-store";
    public const string Bounded = "bounded-store";
    public const string ETagged = "etagged-store";
    public const string Guarded = "guarded-store";
    public const string RetriedPubSub = "retried-pubsub";
    public const string UnprotectedPubSub = "unprotected-pubsub";

    /// <summary>The breaker's open period: long enough to observe fast failures, short enough for a quick test.</summary>
    public static readonly TimeSpan BreakerTimeout = TimeSpan.FromSeconds(2);

    private readonly ResourcesDirectory _resources = new();
    private readonly Dictionary<string, TcpProxy> _proxies = [];

    public SidecarProcess Sidecar { get; private set; } = null!;

    public TcpProxy Proxy(string store) => _proxies[store];

    public async ValueTask InitializeAsync()
    {
        foreach (var store in (string[])[Retried, Unprotected, Bounded, Guarded])
        {
            var proxy = new TcpProxy(infra.RedisPort);
            _proxies[store] = proxy;
            // A short dial timeout so the client reconnects soon after the outage ends; a long read timeout so a stall
            // is ended by the Resiliency timeout, not by the client's own.
            _resources.AddRedisStateStore($"127.0.0.1:{proxy.Port}", store, extraMetadata: new Dictionary<string, string>
            {
                ["dialTimeout"] = "500ms",
                ["readTimeout"] = "10s",
            });
        }

        _resources.AddRedisStateStore(infra.RedisHost, ETagged);
        foreach (var pubsub in (string[])[RetriedPubSub, UnprotectedPubSub])
        {
            var proxy = new TcpProxy(infra.AmqpPort);
            _proxies[pubsub] = proxy;
            // Publisher confirms, so a publish into a connection that is going away cannot pass for a success; a short
            // reconnect wait, so the component's own publish retries (three attempts) end well within the outage.
            _resources.AddRabbitMqPubSub(new UriBuilder(infra.AmqpUri) { Port = proxy.Port }.Uri.ToString(), pubsub, new Dictionary<string, string>
            {
                ["publisherConfirm"] = "true",
                ["reconnectWaitSeconds"] = "200ms",
            });
        }

        _resources.AddFile("resiliency.yaml", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: component-outbound
            spec:
              policies:
                timeouts:
                  quick: 500ms
                retries:
                  patient:
                    policy: constant
                    duration: 200ms
                    maxRetries: 50
                  slow:
                    policy: constant
                    duration: 1s
                    maxRetries: 3
                circuitBreakers:
                  breaker:
                    maxRequests: 1
                    timeout: {(int)BreakerTimeout.TotalSeconds}s
                    trip: consecutiveFailures >= 3
              targets:
                components:
                  {Retried}:
                    outbound:
                      retry: patient
                  {Bounded}:
                    outbound:
                      timeout: quick
                  {ETagged}:
                    outbound:
                      retry: slow
                  {Guarded}:
                    outbound:
                      circuitBreaker: breaker
                  {RetriedPubSub}:
                    outbound:
                      retry: patient
            """);
        Sidecar = await SidecarProcess.StartAsync(new SidecarProcessOptions
        {
            AppId = infra.UniqueName("outbound"),
            ResourcesPaths = [_resources.Path],
            StartupTimeout = TimeSpan.FromSeconds(60),
        });
    }

    public async ValueTask DisposeAsync()
    {
        if (Sidecar is not null)
        {
            await Sidecar.DisposeAsync();
        }

        foreach (var proxy in _proxies.Values)
        {
            await proxy.DisposeAsync();
        }

        _resources.Dispose();
    }
}

/// <summary>
/// spec.targets.components.&lt;name&gt;.outbound policies applied to state and publish calls end to end: through a real sidecar
/// process to a real Redis or RabbitMQ, with the network between them failing.
/// </summary>
public sealed class ComponentOutboundResiliencyTests(ComponentOutboundResiliencyFixture fixture)
    : IClassFixture<ComponentOutboundResiliencyFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private HttpClient Http => fixture.Sidecar.HttpClient;

    [Fact]
    public async Task Retry_policy_rides_out_a_backend_outage()
    {
        var proxy = fixture.Proxy(ComponentOutboundResiliencyFixture.Retried);
        var key = NewKey();
        await AnswersAfterTheOutageAsync(proxy, TimeSpan.FromMilliseconds(1500), () => SaveAsync(ComponentOutboundResiliencyFixture.Retried, key, "\"survived\""));

        Assert.Equal("\"survived\"", await GetAsync(ComponentOutboundResiliencyFixture.Retried, key));
        Assert.True(
            await MetricAsync("dapr_resiliency_activations_total", StateTarget(ComponentOutboundResiliencyFixture.Retried), "retry") > 0,
            "retries should be counted as activations of the retry policy");
    }

    [Fact]
    public async Task Without_a_policy_the_same_outage_answers_500()
    {
        var proxy = fixture.Proxy(ComponentOutboundResiliencyFixture.Unprotected);
        proxy.Refusing = true;
        proxy.CutConnections();
        try
        {
            using var failed = await SaveAsync(ComponentOutboundResiliencyFixture.Unprotected, NewKey(), "1");

            var (code, message) = await ErrorAsync(failed, HttpStatusCode.InternalServerError);
            Assert.Equal("ERR_STATE_SAVE", code);
            Assert.StartsWith($"failed saving state in state store {ComponentOutboundResiliencyFixture.Unprotected}: ", message);
        }
        finally
        {
            proxy.Refusing = false;
        }
    }

    [Fact]
    public async Task Timeout_policy_ends_a_stalled_call_quickly()
    {
        var proxy = fixture.Proxy(ComponentOutboundResiliencyFixture.Bounded);
        var key = NewKey();
        using (var warm = await SaveAsync(ComponentOutboundResiliencyFixture.Bounded, key, "1"))
        {
            Assert.Equal(HttpStatusCode.NoContent, warm.StatusCode);
        }

        proxy.Stall();
        try
        {
            var started = Stopwatch.StartNew();
            using var failed = await SaveAsync(ComponentOutboundResiliencyFixture.Bounded, key, "2");

            // The policy's 500 ms, well before the client's own 10 s read timeout.
            Assert.InRange(started.Elapsed, TimeSpan.FromMilliseconds(450), TimeSpan.FromSeconds(4));
            var (code, message) = await ErrorAsync(failed, HttpStatusCode.InternalServerError);
            Assert.Equal("ERR_STATE_SAVE", code);
            Assert.Equal($"failed saving state in state store {ComponentOutboundResiliencyFixture.Bounded}: context deadline exceeded", message);
        }
        finally
        {
            proxy.Resume();
        }

        Assert.True(
            await MetricAsync("dapr_resiliency_activations_total", StateTarget(ComponentOutboundResiliencyFixture.Bounded), "timeout") >= 1,
            "the timeout should be counted as an activation of the timeout policy");
    }

    [Fact]
    public async Task Etag_mismatch_is_not_retried_even_with_a_retry_policy()
    {
        var store = ComponentOutboundResiliencyFixture.ETagged;
        var key = NewKey();
        using (var first = await SaveAsync(store, key, "1"))
        {
            Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        }

        var started = Stopwatch.StartNew();
        using var conflict = await PostAsync(store, $$"""[{"key":"{{key}}","value":2,"etag":"999"}]""");

        var (code, message) = await ErrorAsync(conflict, HttpStatusCode.Conflict);
        Assert.Equal("ERR_STATE_SAVE", code);
        Assert.StartsWith($"failed saving state in state store {store}: possible etag mismatch", message);
        // One retry of the "slow" policy alone would take a second.
        Assert.True(started.Elapsed < TimeSpan.FromMilliseconds(900), $"answered after {started.Elapsed}: the conflict was retried");
        Assert.True(await MetricAsync("dapr_resiliency_count", StateTarget(store), "retry") >= 2, "the retry policy should apply to this store");
        Assert.Equal(0, await MetricAsync("dapr_resiliency_activations_total", StateTarget(store), "retry"));
        Assert.Equal("1", await GetAsync(store, key));
    }

    [Fact]
    public async Task Circuit_breaker_opens_after_consecutive_failures_and_closes_when_the_backend_is_back()
    {
        var store = ComponentOutboundResiliencyFixture.Guarded;
        var proxy = fixture.Proxy(store);
        proxy.Refusing = true;
        proxy.CutConnections();
        Stopwatch opened;
        try
        {
            for (var i = 0; i < 3; i++)
            {
                using var failed = await SaveAsync(store, NewKey(), "1");
                var (_, message) = await ErrorAsync(failed, HttpStatusCode.InternalServerError);
                Assert.DoesNotContain("circuit breaker is open", message, StringComparison.Ordinal);
            }

            opened = Stopwatch.StartNew();
            var rejectedAt = Stopwatch.StartNew();
            using var rejected = await SaveAsync(store, NewKey(), "1");
            Assert.True(rejectedAt.Elapsed < TimeSpan.FromMilliseconds(500), $"an open breaker answered after {rejectedAt.Elapsed}");
            var (code, rejection) = await ErrorAsync(rejected, HttpStatusCode.InternalServerError);
            Assert.Equal("ERR_STATE_SAVE", code);
            Assert.Equal($"failed saving state in state store {store}: circuit breaker is open", rejection);
            Assert.Equal(1, await MetricAsync("dapr_resiliency_cb_state", StateTarget(store), "circuitbreaker", "open"));
        }
        finally
        {
            proxy.Refusing = false;
        }

        // The first call after the open period is the half-open probe; until the client has reconnected a probe can
        // fail and reopen the breaker, so keep trying for a while.
        var key = NewKey();
        HttpStatusCode status;
        var deadline = Stopwatch.StartNew();
        do
        {
            await Task.Delay(250, Ct);
            using var attempt = await SaveAsync(store, key, "\"closed again\"");
            status = attempt.StatusCode;
        }
        while (status != HttpStatusCode.NoContent && deadline.Elapsed < TimeSpan.FromSeconds(15));

        Assert.Equal(HttpStatusCode.NoContent, status);
        Assert.True(opened.Elapsed >= ComponentOutboundResiliencyFixture.BreakerTimeout, $"the breaker let a call through {opened.Elapsed} after opening");
        Assert.Equal(1, await MetricAsync("dapr_resiliency_cb_state", StateTarget(store), "circuitbreaker", "closed"));
        Assert.Equal("\"closed again\"", await GetAsync(store, key));
    }

    [Fact]
    public async Task Publish_retry_policy_rides_out_a_broker_outage()
    {
        var pubsub = ComponentOutboundResiliencyFixture.RetriedPubSub;
        var proxy = fixture.Proxy(pubsub);
        using (var warm = await PublishAsync(pubsub))
        {
            Assert.Equal(HttpStatusCode.NoContent, warm.StatusCode);
        }

        // Longer than the component's own publish retries, so only the policy can bridge it.
        await AnswersAfterTheOutageAsync(proxy, TimeSpan.FromSeconds(2), () => PublishAsync(pubsub));

        Assert.True(
            await MetricAsync("dapr_resiliency_activations_total", PubSubTarget(pubsub), "retry") > 0,
            "retries should be counted as activations of the retry policy");
    }

    [Fact]
    public async Task Publish_without_a_policy_the_same_outage_answers_500()
    {
        var pubsub = ComponentOutboundResiliencyFixture.UnprotectedPubSub;
        var proxy = fixture.Proxy(pubsub);
        using (var warm = await PublishAsync(pubsub))
        {
            Assert.Equal(HttpStatusCode.NoContent, warm.StatusCode);
        }

        proxy.Refusing = true;
        proxy.CutConnections();
        try
        {
            var started = Stopwatch.StartNew();
            using var failed = await PublishAsync(pubsub);

            var (code, message) = await ErrorAsync(failed, HttpStatusCode.InternalServerError);
            Assert.Equal("ERR_PUBSUB_PUBLISH_MESSAGE", code);
            Assert.StartsWith($"error when publishing to topic outages in pubsub {pubsub}: ", message);
            // Only the component's own three attempts, not a policy's.
            Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"answered after {started.Elapsed}");
        }
        finally
        {
            proxy.Refusing = false;
        }
    }

    /// <summary>
    /// Cuts the backend off for <paramref name="outage"/> while <paramref name="call"/> runs, and expects the call to be
    /// still pending (retrying) when the backend comes back, then to succeed with 204.
    /// </summary>
    private static async Task AnswersAfterTheOutageAsync(TcpProxy proxy, TimeSpan outage, Func<Task<HttpResponseMessage>> call)
    {
        proxy.Refusing = true;
        proxy.CutConnections();
        try
        {
            var started = Stopwatch.StartNew();
            var calling = call();
            await Task.Delay(outage, Ct);
            Assert.False(calling.IsCompleted, "the call should still be retrying while the backend is unreachable");
            proxy.Refusing = false;

            using var response = await calling;

            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
            Assert.True(started.Elapsed >= outage, $"answered after {started.Elapsed}, before the outage ended");
        }
        finally
        {
            proxy.Refusing = false;
        }
    }

    private Task<HttpResponseMessage> PublishAsync(string pubsub) =>
        Http.PostAsync($"v1.0/publish/{pubsub}/outages", new StringContent("""{"n":1}""", Encoding.UTF8, "application/json"), Ct);

    private static string NewKey() => Guid.NewGuid().ToString("N");

    private Task<HttpResponseMessage> SaveAsync(string store, string key, string jsonValue) =>
        PostAsync(store, $$"""[{"key":"{{key}}","value":{{jsonValue}}}]""");

    private Task<HttpResponseMessage> PostAsync(string store, string body) =>
        Http.PostAsync($"v1.0/state/{store}", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

    private async Task<string> GetAsync(string store, string key)
    {
        using var response = await Http.GetAsync($"v1.0/state/{store}/{key}", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync(Ct);
    }

    private static async Task<(string Code, string Message)> ErrorAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == expected, $"expected {expected}, got {response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        return (json.RootElement.GetProperty("errorCode").GetString()!, json.RootElement.GetProperty("message").GetString()!);
    }

    // daprd's metric target names: the component type, then its name.
    private static string StateTarget(string store) => "Statestore_" + store;

    private static string PubSubTarget(string pubsub) => "Pubsub_" + pubsub;

    /// <summary>
    /// The value of a resiliency metric for one component's outbound target and policy (and status, when given),
    /// summed over the remaining labels; 0 when no such series exists.
    /// </summary>
    private async Task<double> MetricAsync(string metric, string target, string policy, string? status = null)
    {
        using var client = new HttpClient();
        var text = await client.GetStringAsync($"http://127.0.0.1:{fixture.Sidecar.MetricsPort}/metrics", Ct);
        var total = 0.0;
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.StartsWith(metric + "{", StringComparison.Ordinal)
                && line.Contains($"target=\"{target}\"", StringComparison.Ordinal)
                && line.Contains("flow_direction=\"outbound\"", StringComparison.Ordinal)
                && line.Contains($"policy=\"{policy}\"", StringComparison.Ordinal)
                && (status is null || line.Contains($"status=\"{status}\"", StringComparison.Ordinal)))
            {
                total += double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return total;
    }
}
