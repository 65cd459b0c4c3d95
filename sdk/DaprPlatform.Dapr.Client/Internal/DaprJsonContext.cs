using System.Text.Json.Serialization;

namespace DaprPlatform.Dapr.Client.Internal;

/// <summary>Source-generated serializers for the sidecar's own envelopes; user payloads go through the client's options.</summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DaprErrorBody))]
[JsonSerializable(typeof(List<BulkStateResponseItem>))]
[JsonSerializable(typeof(BulkPublishResponseBody))]
[JsonSerializable(typeof(DaprMetadata))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, Dictionary<string, string>>))]
internal sealed partial class DaprJsonContext : JsonSerializerContext;
