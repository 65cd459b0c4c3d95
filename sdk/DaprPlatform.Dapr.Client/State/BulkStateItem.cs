namespace DaprPlatform.Dapr.Client;

/// <summary>One key of a bulk read. Missing keys come back with a default <see cref="Value"/>; per-key store failures set <see cref="Error"/>.</summary>
public sealed record BulkStateItem<TValue>(
    string Key,
    TValue? Value,
    string? ETag,
    string? Error,
    IReadOnlyDictionary<string, string> Metadata);
