using DaprPlatform.Sidecar.Runtime;
using DaprPlatform.Sidecar.Runtime.Resiliency;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Resiliency;

/// <summary>Timeout, retry and circuit breaker composed as daprd's policy runner composes them.</summary>
public sealed class ResiliencyPolicyTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static RetryPolicy Retries(int maxRetries, string? http = null) => new()
    {
        Name = "retry",
        Duration = TimeSpan.FromMilliseconds(10),
        MaxRetries = maxRetries,
        HttpStatusCodes = StatusCodeRanges.Parse(http, StatusCodeRanges.HttpCodes),
    };

    private sealed class CodedFailure(int code) : Exception($"status {code}"), IStatusCodeFailure
    {
        public int StatusCode { get; } = code;
    }

    [Fact]
    public async Task Retry_runs_until_success()
    {
        var policy = new ResiliencyPolicy(null, Retries(3), null, TimeProvider.System);
        var attempts = 0;

        var result = await policy.ExecuteAsync(_ => ++attempts < 3 ? throw new InvalidOperationException("flaky") : Task.FromResult("done"), Ct);

        Assert.Equal("done", result);
        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Retry_gives_up_after_max_retries_with_the_last_failure()
    {
        var policy = new ResiliencyPolicy(null, Retries(2), null, TimeProvider.System);
        var attempts = 0;

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            policy.ExecuteAsync<int>(_ => throw new InvalidOperationException($"attempt {++attempts}"), Ct));

        Assert.Equal("attempt 3", error.Message);
    }

    [Fact]
    public async Task Retry_skips_codes_outside_matching_and_permanent_failures()
    {
        var policy = new ResiliencyPolicy(null, Retries(5, "500-599"), null, TimeProvider.System);
        var attempts = 0;

        await Assert.ThrowsAsync<CodedFailure>(() => policy.ExecuteAsync<int>(_ => { attempts++; throw new CodedFailure(404); }, Ct));
        Assert.Equal(1, attempts);

        attempts = 0;
        await Assert.ThrowsAsync<PermanentFailureException>(() => policy.ExecuteAsync<int>(_ => { attempts++; throw new PermanentFailureException("etag"); }, Ct));
        Assert.Equal(1, attempts);

        attempts = 0;
        await Assert.ThrowsAsync<CodedFailure>(() => policy.ExecuteAsync<int>(_ => { attempts++; throw new CodedFailure(503); }, Ct));
        Assert.Equal(6, attempts);
    }

    [Fact]
    public async Task Timeout_abandons_the_attempt_and_cancels_its_token()
    {
        var policy = new ResiliencyPolicy(TimeSpan.FromMilliseconds(100), null, null, TimeProvider.System);
        var cancelled = new TaskCompletionSource();

        var error = await Assert.ThrowsAsync<ResiliencyTimeoutException>(() => policy.ExecuteAsync(async token =>
        {
            token.Register(() => cancelled.TrySetResult());
            await Task.Delay(Timeout.Infinite, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5), Ct);
            return 0;
        }, Ct));

        Assert.Equal("context deadline exceeded", error.Message);
        await cancelled.Task.WaitAsync(TimeSpan.FromSeconds(5), Ct);
    }

    [Fact]
    public async Task Timeout_applies_to_each_attempt_and_timeouts_are_retried()
    {
        var policy = new ResiliencyPolicy(TimeSpan.FromMilliseconds(100), Retries(3), null, TimeProvider.System);
        var attempts = 0;

        var result = await policy.ExecuteAsync(async token =>
        {
            if (++attempts < 3)
            {
                await Task.Delay(Timeout.Infinite, token);
            }

            return attempts;
        }, Ct);

        Assert.Equal(3, result);
    }

    [Fact]
    public async Task Open_circuit_stops_retrying_and_rejects_later_calls()
    {
        var template = new CircuitBreakerTemplate { Name = "cb", Trip = RouteExpression.Parse("consecutiveFailures >= 2"), Timeout = TimeSpan.FromMinutes(1) };
        var breaker = new CircuitBreaker("cb", template, TimeProvider.System);
        var policy = new ResiliencyPolicy(null, Retries(10), breaker, TimeProvider.System);
        var attempts = 0;

        var error = await Assert.ThrowsAsync<CircuitBreakerRejectedException>(() =>
            policy.ExecuteAsync<int>(_ => { attempts++; throw new InvalidOperationException("down"); }, Ct));

        // Two failures trip it; the third attempt is refused by the open circuit, which ends the retrying.
        Assert.Equal(2, attempts);
        Assert.Equal("circuit breaker is open", error.Message);
        await Assert.ThrowsAsync<CircuitBreakerRejectedException>(() => policy.ExecuteAsync(_ => Task.FromResult(1), Ct));
    }

    [Fact]
    public async Task Caller_cancellation_stops_retrying()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var policy = new ResiliencyPolicy(null, new RetryPolicy { Name = "slow", Duration = TimeSpan.FromSeconds(30), MaxRetries = -1 }, null, TimeProvider.System);
        var attempts = 0;

        var run = policy.ExecuteAsync<int>(_ => { attempts++; throw new InvalidOperationException("down"); }, cancel.Token);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.Equal(1, attempts);
    }
}
