namespace DaprPlatform.Dapr.Client;

/// <summary>Per-operation concurrency and consistency; unset values leave the store's default in place.</summary>
public sealed record StateOptions
{
    public ConcurrencyMode? Concurrency { get; init; }

    public ConsistencyMode? Consistency { get; init; }
}
