using System.Text.Json.Serialization;

namespace DaprPlatform.Dapr.AspNetCore;

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<DaprSubscription>))]
[JsonSerializable(typeof(TopicResponse))]
internal sealed partial class DaprAspNetCoreJsonContext : JsonSerializerContext;
