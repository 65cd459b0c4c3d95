namespace DaprPlatform.Dapr.Client;

/// <summary>
/// Outcome of a bulk publish. daprd answers 204 when every entry was accepted and 500 with the failed
/// entries otherwise; both come back here rather than as an exception, so callers can re-publish just the failures.
/// </summary>
public sealed record BulkPublishResponse<TValue>(IReadOnlyList<BulkPublishFailedEntry<TValue>> FailedEntries, string? ErrorCode)
{
    public bool IsSuccess => FailedEntries.Count == 0;
}

/// <summary>An entry the broker did not accept, with the error daprd reported for it.</summary>
public sealed record BulkPublishFailedEntry<TValue>(BulkPublishEntry<TValue> Entry, string? ErrorMessage);
