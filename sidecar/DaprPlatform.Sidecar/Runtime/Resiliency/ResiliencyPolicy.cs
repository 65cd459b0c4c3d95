using DaprPlatform.Sidecar.Runtime.Metrics;

namespace DaprPlatform.Sidecar.Runtime.Resiliency;

/// <summary>
/// Timeout, circuit breaker and retry around an operation, nested as daprd's policy runner nests them: the retry
/// loop runs attempts, each attempt passes the circuit breaker, and the timeout bounds each attempt (not the whole).
/// A timed-out attempt is abandoned at the deadline (its token is cancelled), as Go abandons a context.
/// </summary>
public sealed class ResiliencyPolicy(
    TimeSpan? timeout,
    RetryPolicy? retry,
    CircuitBreaker? breaker,
    TimeProvider time,
    SidecarMetrics? metrics = null,
    ResiliencyMetricTarget? metricTarget = null) : IResiliencyPolicy
{
    public TimeSpan? Timeout { get; } = timeout > TimeSpan.Zero ? timeout : null;

    public RetryPolicy? Retry { get; } = retry;

    public CircuitBreaker? Breaker { get; } = breaker;

    public bool HasRetries => Retry is { HasRetries: true };

    // The layers a policy does not have are skipped, not awaited: every invocation passes through here.
    public Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        RecordExecuted();
        return Retry is null ? AttemptAsync(operation, cancellationToken) : RetryingAsync(Retry, operation, cancellationToken);
    }

    private async Task<T> RetryingAsync<T>(RetryPolicy retry, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        var schedule = retry.NewSchedule(Random.Shared);
        var started = time.GetTimestamp();
        while (true)
        {
            try
            {
                return await AttemptAsync(operation, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && retry.ShouldRetry(e))
            {
                if (schedule.Next(time.GetElapsedTime(started)) is not { } wait)
                {
                    throw;
                }

                if (metricTarget is not null)
                {
                    metrics?.RecordResiliencyActivated(metricTarget, "retry");
                }

                await Task.Delay(wait, time, cancellationToken);
            }
        }
    }

    private Task<T> AttemptAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        Breaker is null ? TimedAsync(operation, cancellationToken) : GuardedAsync(Breaker, operation, cancellationToken);

    private async Task<T> GuardedAsync<T>(CircuitBreaker breaker, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        var generation = breaker.Enter();
        try
        {
            var result = await TimedAsync(operation, cancellationToken);
            breaker.Exit(generation, success: true);
            return result;
        }
        catch
        {
            breaker.Exit(generation, success: false);
            throw;
        }
    }

    private Task<T> TimedAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken) =>
        Timeout is { } limit ? WithTimeoutAsync(limit, operation, cancellationToken) : operation(cancellationToken);

    private async Task<T> WithTimeoutAsync<T>(TimeSpan limit, Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var task = operation(attempt.Token);
        try
        {
            return await task.WaitAsync(limit, time, cancellationToken);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            await attempt.CancelAsync();
            // The abandoned attempt may still fail later; observe it so its exception is not reported as unobserved.
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            if (metricTarget is not null)
            {
                metrics?.RecordResiliencyActivated(metricTarget, "timeout");
            }

            throw new ResiliencyTimeoutException(limit);
        }
    }

    private void RecordExecuted()
    {
        if (metrics is null || metricTarget is null)
        {
            return;
        }

        if (Timeout is not null)
        {
            metrics.RecordResiliencyExecuted(metricTarget, "timeout");
        }

        if (Retry is not null)
        {
            metrics.RecordResiliencyExecuted(metricTarget, "retry");
        }

        if (Breaker is not null)
        {
            metrics.RecordResiliencyExecuted(metricTarget, "circuitbreaker", SidecarMetrics.BreakerStateText(Breaker.State));
        }
    }
}
