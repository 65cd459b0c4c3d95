namespace DaprPlatform.Deployment.Tests.Support;

/// <summary>An app of the platform as every description must run it.</summary>
public sealed record PlatformApp(string Id, string ProjectDir, int Port, string? Database)
{
    /// <summary>The connection string name the app reads ("orderingdb"), when it has a database.</summary>
    public string? ConnectionStringName => Database is null ? null : Database + "db";
}

/// <summary>
/// The fixed facts of the platform (app ids, ports, databases, component names, who uses which component). The
/// descriptions are compared with dapr.yaml; these facts catch dapr.yaml itself drifting from the services' code.
/// </summary>
public static class Platform
{
    public static readonly IReadOnlyList<PlatformApp> Apps =
    [
        new("gateway", "services/Gateway", 8080, null),
        new("identity", "services/Identity", 5201, "identity"),
        new("catalog", "services/Catalog", 5202, "catalog"),
        new("ordering", "services/Ordering", 5203, "ordering"),
        new("payments", "services/Payments", 5204, null),
        new("notifications", "services/Notifications", 5205, "notifications"),
        new("analytics", "services/Analytics", 5206, "analytics"),
        new("webconsole", "services/WebConsole", 8081, null),
    ];

    public const string StateStore = "statestore";
    public const string PubSub = "pubsub";
    public const string SecretStore = "secretstore";
    public const string DeadLetterTopic = "notifications.deadletter";

    /// <summary>
    /// The components each app uses in its code: payments keeps its ledger in the state store and ordering's workflow
    /// actors keep theirs there; identity and ordering publish through their outboxes, notifications subscribes and
    /// re-publishes redriven dead letters, analytics subscribes; every app bulk-reads the secret store at start
    /// (ServiceDefaults, env Dapr__SecretStore), even one with no secrets, so a missing store stops it.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> ComponentsUsedBy = new Dictionary<string, IReadOnlyList<string>>
    {
        [StateStore] = ["ordering", "payments"],
        [PubSub] = ["identity", "ordering", "notifications", "analytics"],
        [SecretStore] = Apps.Select(a => a.Id).ToList(),
    };

    /// <summary>The topics the services' code names, from DaprPlatform.IntegrationEvents.Topics (so a new topic is seen).</summary>
    public static IReadOnlyList<string> CodeTopics { get; } = typeof(IntegrationEvents.Topics)
        .GetFields()
        .Where(f => f.IsLiteral && f.Name != nameof(IntegrationEvents.Topics.PubSub))
        .Select(f => (string)f.GetRawConstantValue()!)
        .ToList();

    public static PlatformApp App(string id) => Apps.Single(a => a.Id == id);

    /// <summary>
    /// The Kubernetes Secret (and its data key) holding a secret the file store names "Section:Key" (the k8s brief's
    /// rule: connection strings in a Secret named after the database, the signing key and the admin account in Secrets
    /// of their own; a data key "A__B" is read by the app as "A:B").
    /// </summary>
    public static (string Secret, string Key) KubernetesSecretFor(string fileStoreName)
    {
        var key = fileStoreName.Replace(":", "__", StringComparison.Ordinal);
        var secret = fileStoreName switch
        {
            _ when fileStoreName.StartsWith("ConnectionStrings:", StringComparison.Ordinal) => fileStoreName["ConnectionStrings:".Length..],
            "Jwt:SigningKeyPem" => "jwt-signing-key",
            "Identity:AdminEmail" or "Identity:AdminPassword" => "identity-admin",
            _ => throw new ArgumentException($"no Kubernetes Secret rule for '{fileStoreName}'", nameof(fileStoreName)),
        };
        return (secret, key);
    }
}
