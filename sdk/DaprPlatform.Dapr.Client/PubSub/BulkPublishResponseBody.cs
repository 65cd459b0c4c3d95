using System.Text.Json.Serialization;

namespace DaprPlatform.Dapr.Client;

/// <summary>daprd's partial-failure body: <c>{"failedEntries":[{"entryId","error"}],"errorCode"}</c>.</summary>
internal sealed record BulkPublishResponseBody(
    [property: JsonPropertyName("failedEntries")] List<BulkPublishResponseFailedEntryBody>? FailedEntries,
    [property: JsonPropertyName("errorCode")] string? ErrorCode);

internal sealed record BulkPublishResponseFailedEntryBody(
    [property: JsonPropertyName("entryId")] string EntryId,
    [property: JsonPropertyName("error")] string? Error);
