namespace DaprPlatform.Dapr.Workflow;

/// <summary>
/// Retries of a failed activity or child workflow, run inside the workflow: a durable timer waits between attempts,
/// so retries survive restarts and replay deterministically. Delay before retry n (1-based) is
/// <c>firstRetryInterval * backoffCoefficient^(n-1)</c>, capped at <see cref="MaxRetryInterval"/>; no retry starts once
/// <see cref="RetryTimeout"/> has passed since the first attempt.
/// </summary>
public sealed class WorkflowRetryPolicy
{
    public WorkflowRetryPolicy(
        int maxNumberOfAttempts,
        TimeSpan firstRetryInterval,
        double backoffCoefficient = 1.0,
        TimeSpan? maxRetryInterval = null,
        TimeSpan? retryTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(maxNumberOfAttempts, 0);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(firstRetryInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(backoffCoefficient, 1.0);
        if (maxRetryInterval is { } max)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(max, firstRetryInterval, nameof(maxRetryInterval));
        }

        if (retryTimeout is { } timeout)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(timeout, firstRetryInterval, nameof(retryTimeout));
        }

        MaxNumberOfAttempts = maxNumberOfAttempts;
        FirstRetryInterval = firstRetryInterval;
        BackoffCoefficient = backoffCoefficient;
        MaxRetryInterval = maxRetryInterval ?? TimeSpan.FromHours(1);
        RetryTimeout = retryTimeout;
    }

    /// <summary>Total attempts including the first one.</summary>
    public int MaxNumberOfAttempts { get; }

    public TimeSpan FirstRetryInterval { get; }

    public double BackoffCoefficient { get; }

    public TimeSpan MaxRetryInterval { get; }

    /// <summary>Null = retry for as long as attempts remain.</summary>
    public TimeSpan? RetryTimeout { get; }

    /// <summary>The delay before retry number <paramref name="retryNumber"/> (1 = the delay after the first failure).</summary>
    public TimeSpan GetRetryDelay(int retryNumber)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retryNumber, 1);
        var milliseconds = FirstRetryInterval.TotalMilliseconds * Math.Pow(BackoffCoefficient, retryNumber - 1);
        return milliseconds >= MaxRetryInterval.TotalMilliseconds ? MaxRetryInterval : TimeSpan.FromMilliseconds(milliseconds);
    }
}
