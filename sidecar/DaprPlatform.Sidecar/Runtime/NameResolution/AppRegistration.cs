using System.Text.Json.Serialization;

namespace DaprPlatform.Sidecar.Runtime.NameResolution;

/// <summary>
/// One running sidecar as it announces itself in the registry: where other sidecars reach it (host and internal
/// port), its API ports (which `dapr-dev list` shows), and which process owns the entry, so entries of crashed
/// sidecars can be recognised and ignored.
/// </summary>
public sealed record AppRegistration(
    [property: JsonPropertyName("appId")] string AppId,
    [property: JsonPropertyName("namespace")] string Namespace,
    [property: JsonPropertyName("host")] string Host,
    [property: JsonPropertyName("internalPort")] int InternalPort,
    [property: JsonPropertyName("httpPort")] int HttpPort,
    [property: JsonPropertyName("grpcPort")] int GrpcPort,
    [property: JsonPropertyName("pid")] int Pid,
    [property: JsonPropertyName("startedAt")] DateTimeOffset StartedAt);

/// <summary>Where to reach a resolved instance's sidecar-to-sidecar endpoint.</summary>
public readonly record struct PeerAddress(string Host, int Port);

[JsonSerializable(typeof(AppRegistration))]
internal sealed partial class NameResolutionJsonContext : JsonSerializerContext;
