using System.Text.Json.Serialization;

namespace DaprPlatform.Sidecar.Api;

[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(Dictionary<string, IReadOnlyDictionary<string, string>>))]
internal sealed partial class SidecarJsonContext : JsonSerializerContext;
