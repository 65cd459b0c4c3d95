namespace DaprPlatform.Dapr.Client;

/// <summary>How a store resolves concurrent writes to the same key (wire values <c>first-write</c>/<c>last-write</c>).</summary>
public enum ConcurrencyMode
{
    /// <summary>Writes carrying a stale ETag are rejected.</summary>
    FirstWrite,

    /// <summary>The latest write wins regardless of ETag.</summary>
    LastWrite,
}
