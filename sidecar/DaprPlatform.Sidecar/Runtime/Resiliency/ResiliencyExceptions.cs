namespace DaprPlatform.Sidecar.Runtime.Resiliency;

/// <summary>
/// A policy's timeout elapsed before the operation finished. The message is Go's context.DeadlineExceeded text,
/// which is what daprd puts in the error it returns.
/// </summary>
public sealed class ResiliencyTimeoutException(TimeSpan timeout) : TimeoutException("context deadline exceeded")
{
    public TimeSpan Timeout { get; } = timeout;
}

/// <summary>The circuit breaker refused the call (open, or half-open with its probe budget used up).</summary>
public sealed class CircuitBreakerRejectedException(string breakerName, CircuitBreakerState state, string message)
    : Exception(message), IPermanentFailure
{
    /// <summary>gobreaker's ErrOpenState text, which daprd reports.</summary>
    public const string OpenMessage = "circuit breaker is open";

    /// <summary>gobreaker's ErrTooManyRequests text.</summary>
    public const string TooManyRequestsMessage = "too many requests";

    public string BreakerName { get; } = breakerName;

    public CircuitBreakerState State { get; } = state;
}

/// <summary>Wraps a failure that must not be retried (daprd's backoff.Permanent).</summary>
public sealed class PermanentFailureException(string message, Exception? inner = null) : Exception(message, inner), IPermanentFailure;
