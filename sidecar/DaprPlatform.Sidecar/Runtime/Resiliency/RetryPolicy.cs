using DaprPlatform.Sidecar.Resources;

namespace DaprPlatform.Sidecar.Runtime.Resiliency;

/// <summary>
/// A retry policy with daprd's semantics (dapr/kit retry.Config over cenkalti/backoff): constant waits of
/// <see cref="Duration"/>, or exponential waits starting at 500 ms, ×1.5 each time with ±50 % jitter, the
/// interval capped at <see cref="MaxInterval"/> and the whole retrying bounded by 15 minutes. MaxRetries −1
/// retries for ever, 0 never.
/// </summary>
public sealed class RetryPolicy
{
    public static readonly TimeSpan DefaultInitialInterval = TimeSpan.FromMilliseconds(500);
    public const double DefaultRandomizationFactor = 0.5;
    public const double DefaultMultiplier = 1.5;
    public static readonly TimeSpan DefaultMaxElapsedTime = TimeSpan.FromMinutes(15);

    public required string Name { get; init; }

    public bool Exponential { get; init; }

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan InitialInterval { get; init; } = DefaultInitialInterval;

    public double RandomizationFactor { get; init; } = DefaultRandomizationFactor;

    public double Multiplier { get; init; } = DefaultMultiplier;

    public TimeSpan MaxInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Exponential only: no retry is scheduled past this much time since the first attempt; zero means no bound.</summary>
    public TimeSpan MaxElapsedTime { get; init; } = DefaultMaxElapsedTime;

    public int MaxRetries { get; init; } = -1;

    /// <summary>HTTP codes to retry; null retries every failing code.</summary>
    public StatusCodeRanges? HttpStatusCodes { get; init; }

    /// <summary>gRPC codes to retry; null retries every failing code.</summary>
    public StatusCodeRanges? GrpcStatusCodes { get; init; }

    public bool HasRetries => MaxRetries != 0;

    /// <exception cref="ResourceException">The matching codes are malformed.</exception>
    public static RetryPolicy FromSpec(string name, RetryPolicySpec spec, string file)
    {
        var field = $"spec.policies.retries.{name}.matching";
        return new RetryPolicy
        {
            Name = name,
            Exponential = spec.Policy == "exponential",
            Duration = spec.Duration,
            MaxInterval = spec.MaxInterval,
            MaxRetries = spec.MaxRetries,
            HttpStatusCodes = ParseCodes(spec.HttpStatusCodes, StatusCodeRanges.HttpCodes, file, field + ".httpStatusCodes"),
            GrpcStatusCodes = ParseCodes(spec.GrpcStatusCodes, StatusCodeRanges.GrpcCodes, file, field + ".gRPCStatusCodes"),
        };
    }

    /// <summary>A fresh schedule of waits for one operation (backoffs are stateful, one per execution).</summary>
    public RetrySchedule NewSchedule(Random random) => new(this, random);

    /// <summary>
    /// Whether a failure with this status code may be retried: codes 0-16 are gRPC codes, 100-599 HTTP statuses,
    /// each checked against its own list; anything else is not retried (daprd's statusCodeNeedRetry).
    /// </summary>
    public bool ShouldRetryStatus(int code)
    {
        if (code >= StatusCodeRanges.GrpcCodes.Min && code <= StatusCodeRanges.GrpcCodes.Max)
        {
            return GrpcStatusCodes?.Contains(code) ?? true;
        }

        if (code >= StatusCodeRanges.HttpCodes.Min && code <= StatusCodeRanges.HttpCodes.Max)
        {
            return HttpStatusCodes?.Contains(code) ?? true;
        }

        return false;
    }

    /// <summary>Whether this failure may be retried at all (its wait still comes from the schedule).</summary>
    public bool ShouldRetry(Exception failure) => failure switch
    {
        IPermanentFailure => false,
        IStatusCodeFailure coded => ShouldRetryStatus(coded.StatusCode),
        _ => true,
    };

    private static StatusCodeRanges? ParseCodes(string? patterns, (int, int) valid, string file, string field)
    {
        try
        {
            return StatusCodeRanges.Parse(patterns, valid);
        }
        catch (FormatException e)
        {
            throw new ResourceException(file, field, e.Message);
        }
    }
}

/// <summary>The waits between the attempts of one operation.</summary>
public sealed class RetrySchedule(RetryPolicy policy, Random random)
{
    private TimeSpan _currentInterval = policy.InitialInterval;
    private int _retries;

    /// <summary>The wait before the next attempt, or null when the policy allows no more.</summary>
    /// <param name="elapsed">Time since the first attempt started (bounds exponential retrying).</param>
    public TimeSpan? Next(TimeSpan elapsed)
    {
        if (policy.MaxRetries >= 0 && _retries >= policy.MaxRetries)
        {
            return null;
        }

        _retries++;
        if (!policy.Exponential)
        {
            return policy.Duration;
        }

        var next = Randomize(_currentInterval);
        Grow();
        if (policy.MaxElapsedTime > TimeSpan.Zero && elapsed + next > policy.MaxElapsedTime)
        {
            return null;
        }

        return next;
    }

    // A value in [interval × (1 − factor), interval × (1 + factor)], like cenkalti/backoff's getRandomValueFromInterval.
    private TimeSpan Randomize(TimeSpan interval)
    {
        var delta = policy.RandomizationFactor * interval.Ticks;
        var min = interval.Ticks - delta;
        var max = interval.Ticks + delta;
        return TimeSpan.FromTicks((long)(min + (random.NextDouble() * (max - min))));
    }

    private void Grow()
    {
        // Capped so the interval never overflows however long the policy retries.
        _currentInterval = _currentInterval.Ticks >= policy.MaxInterval.Ticks / policy.Multiplier
            ? policy.MaxInterval
            : TimeSpan.FromTicks((long)(_currentInterval.Ticks * policy.Multiplier));
    }
}
