using System.Text.Json;
using System.Text.Json.Serialization;

namespace DaprPlatform.Sidecar.Api;

/// <summary>One entry of a bulk publish request body; keys match without regard to case, as Go's decoder does.</summary>
public sealed record BulkPublishEntry(
    [property: JsonPropertyName("entryId")] string? EntryId,
    [property: JsonPropertyName("event")] JsonElement Event,
    [property: JsonPropertyName("contentType")] string? ContentType,
    [property: JsonPropertyName("metadata")] Dictionary<string, string>? Metadata);

public sealed record BulkPublishFailedEntry(
    [property: JsonPropertyName("entryId")] string EntryId,
    [property: JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error);

public sealed record BulkPublishResponse(
    [property: JsonPropertyName("failedEntries")] IReadOnlyList<BulkPublishFailedEntry> FailedEntries,
    [property: JsonPropertyName("errorCode")] string ErrorCode);

[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(List<BulkPublishEntry>))]
[JsonSerializable(typeof(BulkPublishResponse))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class PublishJsonContext : JsonSerializerContext;
