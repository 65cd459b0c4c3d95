namespace DaprPlatform.Sidecar.Runtime.Resiliency;

public enum CircuitBreakerState
{
    Closed,
    HalfOpen,
    Open,
}

/// <summary>The counts a circuit breaker's trip expression sees (gobreaker.Counts).</summary>
public readonly record struct CircuitBreakerCounts(
    long Requests, long TotalSuccesses, long TotalFailures, long ConsecutiveSuccesses, long ConsecutiveFailures);

/// <summary>A circuit breaker policy as written in a Resiliency resource, shared by the breakers made from it.</summary>
public sealed class CircuitBreakerTemplate
{
    public required string Name { get; init; }

    /// <summary>Calls let through while half-open (and successes needed to close again); at least 1.</summary>
    public int MaxRequests { get; init; } = 1;

    /// <summary>While closed, counts reset every interval; zero never resets them.</summary>
    public TimeSpan Interval { get; init; }

    /// <summary>How long the circuit stays open before letting a probe through.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Evaluated after each failure while closed, over <c>requests</c>, <c>consecutiveFailures</c>, etc.</summary>
    public required RouteExpression Trip { get; init; }
}

/// <summary>
/// A circuit breaker with gobreaker's semantics, which daprd uses: closed until the trip expression holds after a
/// failure, then open (every call rejected) for <see cref="CircuitBreakerTemplate.Timeout"/>, then half-open
/// (MaxRequests probes); MaxRequests consecutive successes close it, any failure opens it again. Each state change
/// starts a new generation, so results of calls begun in an older one are ignored.
/// </summary>
public sealed class CircuitBreaker
{
    private readonly CircuitBreakerTemplate _template;
    private readonly TimeProvider _time;
    private readonly Action<CircuitBreaker, CircuitBreakerState>? _onStateChange;
    private readonly Lock _lock = new();
    private readonly int _maxRequests;
    private readonly TimeSpan _timeout;
    private CircuitBreakerState _state = CircuitBreakerState.Closed;
    private long _generation;
    private CircuitBreakerCounts _counts;
    private long _expiry;

    public CircuitBreaker(string name, CircuitBreakerTemplate template, TimeProvider time, Action<CircuitBreaker, CircuitBreakerState>? onStateChange = null)
    {
        Name = name;
        _template = template;
        _time = time;
        _onStateChange = onStateChange;
        _maxRequests = Math.Max(1, template.MaxRequests);
        _timeout = template.Timeout > TimeSpan.Zero ? template.Timeout : TimeSpan.FromSeconds(60);
        StartGeneration(_time.GetTimestamp());
    }

    public string Name { get; }

    public CircuitBreakerState State
    {
        get
        {
            lock (_lock)
            {
                return CurrentState(_time.GetTimestamp());
            }
        }
    }

    /// <summary>Admits a call or throws <see cref="CircuitBreakerRejectedException"/>; returns the generation to report back.</summary>
    public long Enter()
    {
        lock (_lock)
        {
            var state = CurrentState(_time.GetTimestamp());
            if (state == CircuitBreakerState.Open)
            {
                throw new CircuitBreakerRejectedException(Name, state, CircuitBreakerRejectedException.OpenMessage);
            }

            if (state == CircuitBreakerState.HalfOpen && _counts.Requests >= _maxRequests)
            {
                throw new CircuitBreakerRejectedException(Name, state, CircuitBreakerRejectedException.TooManyRequestsMessage);
            }

            _counts = _counts with { Requests = _counts.Requests + 1 };
            return _generation;
        }
    }

    /// <summary>Reports how a call admitted by <see cref="Enter"/> ended.</summary>
    public void Exit(long generation, bool success)
    {
        lock (_lock)
        {
            var now = _time.GetTimestamp();
            var state = CurrentState(now);
            if (generation != _generation)
            {
                return;
            }

            if (success)
            {
                _counts = _counts with
                {
                    TotalSuccesses = _counts.TotalSuccesses + 1,
                    ConsecutiveSuccesses = _counts.ConsecutiveSuccesses + 1,
                    ConsecutiveFailures = 0,
                };
                if (state == CircuitBreakerState.HalfOpen && _counts.ConsecutiveSuccesses >= _maxRequests)
                {
                    SetState(CircuitBreakerState.Closed, now);
                }
            }
            else if (state == CircuitBreakerState.HalfOpen)
            {
                SetState(CircuitBreakerState.Open, now);
            }
            else if (state == CircuitBreakerState.Closed)
            {
                _counts = _counts with
                {
                    TotalFailures = _counts.TotalFailures + 1,
                    ConsecutiveFailures = _counts.ConsecutiveFailures + 1,
                    ConsecutiveSuccesses = 0,
                };
                if (ReadyToTrip(_counts))
                {
                    SetState(CircuitBreakerState.Open, now);
                }
            }
        }
    }

    private bool ReadyToTrip(CircuitBreakerCounts counts) =>
        _template.Trip.Evaluate(field => field switch
        {
            "requests" => (double)counts.Requests,
            "totalSuccesses" => (double)counts.TotalSuccesses,
            "totalFailures" => (double)counts.TotalFailures,
            "consecutiveSuccesses" => (double)counts.ConsecutiveSuccesses,
            "consecutiveFailures" => (double)counts.ConsecutiveFailures,
            _ => null,
        });

    private CircuitBreakerState CurrentState(long now)
    {
        switch (_state)
        {
            case CircuitBreakerState.Closed when _expiry != 0 && _expiry < now:
                StartGeneration(now);
                break;
            case CircuitBreakerState.Open when _expiry < now:
                SetState(CircuitBreakerState.HalfOpen, now);
                break;
        }

        return _state;
    }

    // The callback runs under the lock so observers (the cb_state gauge) see transitions in order; it must be cheap.
    private void SetState(CircuitBreakerState state, long now)
    {
        _state = state;
        StartGeneration(now);
        _onStateChange?.Invoke(this, state);
    }

    private void StartGeneration(long now)
    {
        _generation++;
        _counts = default;
        _expiry = _state switch
        {
            CircuitBreakerState.Closed => _template.Interval > TimeSpan.Zero ? now + ToTimestamp(_template.Interval) : 0,
            CircuitBreakerState.Open => now + ToTimestamp(_timeout),
            _ => 0,
        };
    }

    private long ToTimestamp(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
