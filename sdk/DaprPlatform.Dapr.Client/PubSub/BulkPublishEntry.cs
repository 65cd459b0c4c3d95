namespace DaprPlatform.Dapr.Client;

/// <summary>One event of a bulk publish. <see cref="EntryId"/> must be unique within the request; daprd reports failures by it.</summary>
public sealed record BulkPublishEntry<TValue>(
    string EntryId,
    TValue Event,
    string ContentType = "application/json",
    IReadOnlyDictionary<string, string>? Metadata = null);
