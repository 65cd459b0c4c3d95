namespace DaprPlatform.Sidecar.Runtime.Resiliency;

/// <summary>
/// daprd's built-in retry policies (pkg/resiliency addBuiltInPolicies). A Resiliency resource may override them by
/// name, but never below 3 retries, and DaprBuiltInActorNotFoundRetries not at all.
/// </summary>
public static class BuiltInRetries
{
    /// <summary>Service invocation to another sidecar: 3 retries 1 s apart on connection failures (gRPC Unavailable).</summary>
    public const string ServiceRetries = "DaprBuiltInServiceRetries";
    public const string ActorRetries = "DaprBuiltInActorRetries";
    public const string ActorReminderRetries = "DaprBuiltInActorReminderRetries";
    public const string ActorNotFoundRetries = "DaprBuiltInActorNotFoundRetries";
    public const string InitializationRetries = "DaprBuiltInInitializationRetries";

    public const int MinimumOverrideRetries = 3;

    public static IReadOnlyDictionary<string, RetryPolicy> Defaults { get; } = new Dictionary<string, RetryPolicy>(StringComparer.Ordinal)
    {
        [ServiceRetries] = new() { Name = ServiceRetries, Duration = TimeSpan.FromSeconds(1), MaxRetries = 3 },
        [ActorRetries] = new() { Name = ActorRetries, Duration = TimeSpan.FromSeconds(1), MaxRetries = 3 },
        [ActorReminderRetries] = new()
        {
            Name = ActorReminderRetries,
            Exponential = true,
            MaxInterval = TimeSpan.FromSeconds(60),
            MaxElapsedTime = TimeSpan.FromMinutes(15),
            MaxRetries = -1,
        },
        [InitializationRetries] = new()
        {
            Name = InitializationRetries,
            Exponential = true,
            Duration = TimeSpan.FromSeconds(2),
            MaxInterval = TimeSpan.FromSeconds(1),
            MaxElapsedTime = TimeSpan.FromSeconds(10),
            MaxRetries = 3,
        },
        [ActorNotFoundRetries] = new() { Name = ActorNotFoundRetries, Duration = TimeSpan.FromSeconds(1), MaxRetries = 5 },
    };

    public static bool IsBuiltIn(string name) => Defaults.ContainsKey(name);

    /// <summary>Policies a resource may not replace.</summary>
    public static bool IsProtected(string name) => name == ActorNotFoundRetries;
}
