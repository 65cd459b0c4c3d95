using System.Text.Json.Serialization;

namespace DaprPlatform.Sidecar.Api;

/// <summary>The secrets API's response bodies, serialized without reflection (the published sidecar is trimmed).</summary>
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, IReadOnlyDictionary<string, string>>))]
internal sealed partial class SecretsJsonContext : JsonSerializerContext;
