using DaprPlatform.Testing;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// The running platform (<see cref="RunningPlatform"/>: ./dapr-dev up on a copy of dapr.yaml with free ports, quick
/// approvals and timeouts); everything these tests do goes through the gateway.
/// </summary>
public sealed class PlatformFixture : RunningPlatform
{
    public PlatformClient Client() => new(GatewayUrl);
}
