namespace DaprPlatform.Dapr.Client;

/// <summary>
/// A state value together with the ETag to pass back on an optimistic write. <see cref="Value"/> is
/// <c>default</c> and <see cref="ETag"/> <c>null</c> when the key does not exist.
/// </summary>
/// <param name="Metadata">Response metadata daprd returned as <c>metadata.*</c> headers (e.g. <c>ttlexpiretime</c>); keys compare case-insensitively because HTTP headers do.</param>
public sealed record StateEntry<TValue>(string Key, TValue? Value, string? ETag, IReadOnlyDictionary<string, string> Metadata)
{
    public bool Exists => ETag is not null || Value is not null;
}
