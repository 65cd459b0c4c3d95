namespace DaprPlatform.OrderDemo;

/// <summary>The app's identity and its peer, from the environment `dapr-dev run` sets.</summary>
public sealed record DemoSettings(string AppId, string? PeerAppId)
{
    public static DemoSettings FromEnvironment() => new(
        Environment.GetEnvironmentVariable("APP_ID") is { Length: > 0 } id ? id : "order-demo",
        Environment.GetEnvironmentVariable("DEMO_PEER_APP_ID") is { Length: > 0 } peer ? peer : null);
}
