using System.Text.Json;
using System.Text.Json.Serialization;

namespace DaprPlatform.Sidecar.Api;

/// <summary>
/// One entry of a bulk publish request body (daprd's bulkPublishMessageEntry), its event already turned into the bytes
/// its content type asks for, or the reason it could not be.
/// </summary>
public sealed record BulkPublishEntry(string? EntryId, byte[] Event, string? EventProblem, string? ContentType, Dictionary<string, string>? Metadata);

public sealed record BulkPublishFailedEntry(
    [property: JsonPropertyName("entryId")] string EntryId,
    [property: JsonPropertyName("error"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Error);

public sealed record BulkPublishResponse(
    [property: JsonPropertyName("failedEntries")] IReadOnlyList<BulkPublishFailedEntry> FailedEntries,
    [property: JsonPropertyName("errorCode")] string ErrorCode);

[JsonSerializable(typeof(BulkPublishResponse))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class PublishJsonContext : JsonSerializerContext;
