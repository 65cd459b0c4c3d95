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

    public async Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        RecordExecuted();
        if (Retry is null)
        {
            return await AttemptAsync(operation, cancellationToken);
        }

        var schedule = Retry.NewSchedule(Random.Shared);
        var started = time.GetTimestamp();
        while (true)
        {
            try
            {
                return await AttemptAsync(operation, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && Retry.ShouldRetry(e))
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

    private async Task<T> AttemptAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        if (Breaker is null)
        {
            return await TimedAsync(operation, cancellationToken);
        }

        var generation = Breaker.Enter();
        try
        {
            var result = await TimedAsync(operation, cancellationToken);
            Breaker.Exit(generation, success: true);
            return result;
        }
        catch
        {
            Breaker.Exit(generation, success: false);
            throw;
        }
    }

    private async Task<T> TimedAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        if (Timeout is not { } limit)
        {
            return await operation(cancellationToken);
        }

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
