using System.Text.Json.Serialization;

namespace DaprPlatform.Cli.State;

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RunState))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
