using System.Text.Json;
using System.Text.Json.Serialization;

namespace DaprPlatform.Dapr.Client;

/// <summary>daprd's bulk-get item; the value field is <c>data</c> (the docs' <c>value</c> is wrong).</summary>
internal sealed record BulkStateResponseItem(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("data")] JsonElement? Data,
    [property: JsonPropertyName("etag")] string? ETag,
    [property: JsonPropertyName("metadata")] Dictionary<string, string>? Metadata,
    [property: JsonPropertyName("error")] string? Error);
