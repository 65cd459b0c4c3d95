using DaprPlatform.Sidecar.Resources;
using DaprPlatform.Sidecar.Runtime.Resiliency;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Resiliency;

/// <summary>Retry schedules and status matching with daprd's (dapr/kit + cenkalti/backoff) semantics.</summary>
public sealed class RetryPolicyTests
{
    private static RetryPolicy Spec(string policy = "constant", string duration = "5s", string maxInterval = "60s", int maxRetries = -1, string? http = null, string? grpc = null)
    {
        GoDuration.TryParse(duration, out var d);
        GoDuration.TryParse(maxInterval, out var m);
        return RetryPolicy.FromSpec("test", new RetryPolicySpec(policy, d, m, maxRetries, http, grpc), "resiliency.yaml");
    }

    [Fact]
    public void Constant_waits_the_duration_up_to_max_retries()
    {
        var schedule = Spec(duration: "250ms", maxRetries: 3).NewSchedule(new Random(1));

        Assert.Equal(TimeSpan.FromMilliseconds(250), schedule.Next(TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromMilliseconds(250), schedule.Next(TimeSpan.FromHours(1)));
        Assert.Equal(TimeSpan.FromMilliseconds(250), schedule.Next(TimeSpan.Zero));
        Assert.Null(schedule.Next(TimeSpan.Zero));
    }

    [Fact]
    public void Max_retries_zero_never_retries()
    {
        var policy = Spec(maxRetries: 0);

        Assert.False(policy.HasRetries);
        Assert.Null(policy.NewSchedule(new Random(1)).Next(TimeSpan.Zero));
    }

    [Fact]
    public void Max_retries_minus_one_retries_forever()
    {
        var schedule = Spec(duration: "1ms").NewSchedule(new Random(1));

        for (var i = 0; i < 10_000; i++)
        {
            Assert.NotNull(schedule.Next(TimeSpan.FromDays(1)));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(42)]
    [InlineData(9999)]
    public void Exponential_starts_at_half_a_second_grows_by_half_within_jitter_bounds_capped_at_max_interval(int seed)
    {
        var schedule = Spec("exponential", maxInterval: "10s").NewSchedule(new Random(seed));
        var interval = 0.5;

        for (var attempt = 0; attempt < 30; attempt++)
        {
            var wait = schedule.Next(TimeSpan.Zero)!.Value.TotalSeconds;
            // ±50 % around the current interval (randomization factor 0.5).
            Assert.InRange(wait, interval * 0.5 - 1e-6, interval * 1.5 + 1e-6);
            interval = Math.Min(interval * 1.5, 10);
        }

        Assert.Equal(10, interval);
    }

    [Fact]
    public void Exponential_waits_spread_across_the_jitter_range()
    {
        var waits = Enumerable.Range(0, 200)
            .Select(seed => Spec("exponential").NewSchedule(new Random(seed)).Next(TimeSpan.Zero)!.Value.TotalMilliseconds)
            .ToList();

        Assert.InRange(waits.Min(), 250, 300);
        Assert.InRange(waits.Max(), 700, 750);
    }

    [Fact]
    public void Exponential_stops_once_fifteen_minutes_have_elapsed()
    {
        var schedule = Spec("exponential").NewSchedule(new Random(7));

        Assert.NotNull(schedule.Next(TimeSpan.FromMinutes(14)));
        Assert.Null(schedule.Next(TimeSpan.FromMinutes(15)));
    }

    [Fact]
    public void Exponential_honours_max_retries()
    {
        var schedule = Spec("exponential", maxRetries: 2).NewSchedule(new Random(7));

        Assert.NotNull(schedule.Next(TimeSpan.Zero));
        Assert.NotNull(schedule.Next(TimeSpan.Zero));
        Assert.Null(schedule.Next(TimeSpan.Zero));
    }

    [Theory]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(599, true)]
    [InlineData(429, true)]
    [InlineData(404, false)]
    [InlineData(400, false)]
    [InlineData(14, true)]
    [InlineData(5, false)]
    [InlineData(700, false)]
    public void Matching_retries_only_listed_codes(int code, bool retried)
    {
        var policy = Spec(http: "500-599,429", grpc: "14,1-2");

        Assert.Equal(retried, policy.ShouldRetryStatus(code));
    }

    [Theory]
    [InlineData(404)]
    [InlineData(500)]
    [InlineData(5)]
    public void Without_matching_every_failing_code_is_retried(int code)
    {
        Assert.True(Spec().ShouldRetryStatus(code));
    }

    [Fact]
    public void Permanent_failures_are_never_retried()
    {
        var policy = Spec();

        Assert.False(policy.ShouldRetry(new PermanentFailureException("no")));
        Assert.True(policy.ShouldRetry(new InvalidOperationException("transient")));
    }

    [Theory]
    [InlineData("500-599-600", "more than one '-'")]
    [InlineData("abc", "failed to parse start code abc")]
    [InlineData("99", "start code 99 is not valid")]
    [InlineData("500-600", "end code 600 is not valid")]
    [InlineData("599-500", "start value should not bigger than end value")]
    public void Malformed_matching_is_a_resource_error(string pattern, string problem)
    {
        var error = Assert.Throws<ResourceException>(() => Spec(http: pattern));

        Assert.Equal("spec.policies.retries.test.matching.httpStatusCodes", error.Field);
        Assert.Contains(problem, error.Message);
    }

    [Fact]
    public void Grpc_codes_outside_zero_to_sixteen_are_rejected()
    {
        Assert.Throws<ResourceException>(() => Spec(grpc: "17"));
    }
}
