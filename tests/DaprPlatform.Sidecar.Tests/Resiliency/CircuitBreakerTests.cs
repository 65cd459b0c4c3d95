using DaprPlatform.Sidecar.Runtime;
using DaprPlatform.Sidecar.Runtime.Resiliency;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Resiliency;

/// <summary>The circuit breaker's states as gobreaker (and so daprd) moves through them.</summary>
public sealed class CircuitBreakerTests
{
    private readonly ManualClock _clock = new();
    private readonly List<CircuitBreakerState> _changes = [];

    private CircuitBreaker Breaker(string trip = "consecutiveFailures > 2", int maxRequests = 1, string interval = "0s", string timeout = "30s")
    {
        Sidecar.Resources.GoDuration.TryParse(interval, out var i);
        Sidecar.Resources.GoDuration.TryParse(timeout, out var t);
        var template = new CircuitBreakerTemplate { Name = "cb", MaxRequests = maxRequests, Interval = i, Timeout = t, Trip = RouteExpression.Parse(trip) };
        return new CircuitBreaker("app:method", template, _clock, (_, state) => _changes.Add(state));
    }

    private static void Fail(CircuitBreaker breaker) => breaker.Exit(breaker.Enter(), success: false);

    private static void Succeed(CircuitBreaker breaker) => breaker.Exit(breaker.Enter(), success: true);

    [Fact]
    public void Trips_when_the_expression_holds_and_rejects_while_open()
    {
        var breaker = Breaker();
        Fail(breaker);
        Fail(breaker);
        Assert.Equal(CircuitBreakerState.Closed, breaker.State);

        Fail(breaker);

        Assert.Equal(CircuitBreakerState.Open, breaker.State);
        var rejected = Assert.Throws<CircuitBreakerRejectedException>(() => breaker.Enter());
        Assert.Equal("circuit breaker is open", rejected.Message);
        Assert.IsAssignableFrom<IPermanentFailure>(rejected);
        Assert.Equal([CircuitBreakerState.Open], _changes);
    }

    [Fact]
    public void Success_resets_consecutive_failures()
    {
        var breaker = Breaker();
        Fail(breaker);
        Fail(breaker);
        Succeed(breaker);
        Fail(breaker);
        Fail(breaker);

        Assert.Equal(CircuitBreakerState.Closed, breaker.State);
    }

    [Fact]
    public void After_the_timeout_half_open_lets_max_requests_through_and_successes_close()
    {
        var breaker = Breaker(trip: "consecutiveFailures >= 1", maxRequests: 2);
        Fail(breaker);
        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(CircuitBreakerState.Open, breaker.State);

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(CircuitBreakerState.HalfOpen, breaker.State);
        var first = breaker.Enter();
        var second = breaker.Enter();
        Assert.Equal("too many requests", Assert.Throws<CircuitBreakerRejectedException>(() => breaker.Enter()).Message);

        breaker.Exit(first, success: true);
        Assert.Equal(CircuitBreakerState.HalfOpen, breaker.State);
        breaker.Exit(second, success: true);

        Assert.Equal(CircuitBreakerState.Closed, breaker.State);
        Assert.Equal([CircuitBreakerState.Open, CircuitBreakerState.HalfOpen, CircuitBreakerState.Closed], _changes);
    }

    [Fact]
    public void Failure_while_half_open_opens_again()
    {
        var breaker = Breaker(trip: "consecutiveFailures >= 1");
        Fail(breaker);
        _clock.Advance(TimeSpan.FromSeconds(31));

        Fail(breaker);

        Assert.Equal(CircuitBreakerState.Open, breaker.State);
    }

    [Fact]
    public void Results_of_an_older_generation_are_ignored()
    {
        var breaker = Breaker(trip: "consecutiveFailures >= 1");
        var started = breaker.Enter();
        Fail(breaker);
        _clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Equal(CircuitBreakerState.HalfOpen, breaker.State);

        // A call begun before the circuit opened reports late: it must not close or reopen the new generation.
        breaker.Exit(started, success: false);

        Assert.Equal(CircuitBreakerState.HalfOpen, breaker.State);
    }

    [Fact]
    public void Interval_clears_counts_while_closed()
    {
        var breaker = Breaker(trip: "totalFailures >= 3", interval: "10s");
        Fail(breaker);
        Fail(breaker);
        _clock.Advance(TimeSpan.FromSeconds(11));
        Fail(breaker);

        Assert.Equal(CircuitBreakerState.Closed, breaker.State);
        Fail(breaker);
        Fail(breaker);
        Assert.Equal(CircuitBreakerState.Open, breaker.State);
    }

    [Theory]
    [InlineData("requests > 3 && totalFailures >= 2")]
    [InlineData("consecutiveFailures > 1 || totalSuccesses > 100")]
    public void Trip_expressions_see_all_counts(string trip)
    {
        var breaker = Breaker(trip: trip);
        Succeed(breaker);
        Succeed(breaker);
        Fail(breaker);
        Assert.Equal(CircuitBreakerState.Closed, breaker.State);

        Fail(breaker);

        Assert.Equal(CircuitBreakerState.Open, breaker.State);
    }
}
