namespace DaprPlatform.Cli.Launch;

/// <summary>The ports one sidecar listens on, all chosen before it starts.</summary>
internal sealed record AppPorts(int Http, int Grpc, int InternalGrpc, int Metrics);
