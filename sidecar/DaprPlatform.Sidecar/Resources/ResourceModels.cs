namespace DaprPlatform.Sidecar.Resources;

/// <summary>A metadata entry of a Component as written in YAML, before secret and env references are resolved.</summary>
public sealed record MetadataItem(string Name, string? Value, SecretKeyRef? SecretKeyRef, string? EnvRef);

public sealed record SecretKeyRef(string Name, string? Key);

/// <summary>A Component resource (dapr.io/v1alpha1).</summary>
public sealed record ComponentResource(
    string Name,
    string? Namespace,
    string Type,
    string Version,
    TimeSpan InitTimeout,
    bool IgnoreErrors,
    IReadOnlyList<MetadataItem> Metadata,
    string? AuthSecretStore,
    IReadOnlyList<string> Scopes,
    string SourceFile)
{
    /// <summary>The building block, e.g. "state" for "state.redis".</summary>
    public string Category => Type.Split('.', 2)[0];
}

public sealed record RouteRule(string Match, string Path);

/// <summary>A declarative Subscription (dapr.io/v2alpha1, or v1alpha1 with a single route).</summary>
public sealed record SubscriptionResource(
    string Name,
    string? Namespace,
    string PubsubName,
    string Topic,
    IReadOnlyList<RouteRule> Rules,
    string? DefaultRoute,
    string? DeadLetterTopic,
    IReadOnlyDictionary<string, string> Metadata,
    bool BulkSubscribeEnabled,
    IReadOnlyList<string> Scopes,
    string SourceFile)
{
    /// <summary>spec.bulkSubscribe.maxMessagesCount; 0 means the runtime default.</summary>
    public int BulkMaxMessagesCount { get; init; }

    /// <summary>spec.bulkSubscribe.maxAwaitDurationMs; 0 means the runtime default.</summary>
    public int BulkMaxAwaitDurationMs { get; init; }
}

public sealed record RetryPolicySpec(
    string Policy,
    TimeSpan Duration,
    TimeSpan MaxInterval,
    int MaxRetries,
    string? HttpStatusCodes,
    string? GrpcStatusCodes);

public sealed record CircuitBreakerSpec(int MaxRequests, TimeSpan Interval, TimeSpan Timeout, string Trip);

public sealed record TargetPolicyNames(string? Timeout, string? Retry, string? CircuitBreaker);

public sealed record ComponentTargetPolicies(TargetPolicyNames? Outbound, TargetPolicyNames? Inbound);

/// <summary>A Resiliency resource: named policies and the targets that use them.</summary>
public sealed record ResiliencyResource(
    string Name,
    string? Namespace,
    IReadOnlyDictionary<string, TimeSpan> Timeouts,
    IReadOnlyDictionary<string, RetryPolicySpec> Retries,
    IReadOnlyDictionary<string, CircuitBreakerSpec> CircuitBreakers,
    IReadOnlyDictionary<string, TargetPolicyNames> Apps,
    IReadOnlyDictionary<string, ComponentTargetPolicies> Components,
    IReadOnlyList<string> Scopes,
    string SourceFile);

public sealed record SecretScope(string StoreName, string DefaultAccess, IReadOnlyList<string> AllowedSecrets, IReadOnlyList<string> DeniedSecrets);

public sealed record AccessControlOperation(string Name, IReadOnlyList<string> HttpVerbs, string Action);

public sealed record AccessControlPolicy(string AppId, string DefaultAction, string? Namespace, IReadOnlyList<AccessControlOperation> Operations);

/// <summary>A Configuration resource (the --config file).</summary>
public sealed record ConfigurationResource(
    string Name,
    double TracingSamplingRate,
    bool TracingStdout,
    string? ZipkinEndpoint,
    string? OtelEndpoint,
    bool MetricsEnabled,
    IReadOnlyDictionary<string, bool> Features,
    IReadOnlyList<SecretScope> SecretScopes,
    string? AccessControlDefaultAction,
    IReadOnlyList<AccessControlPolicy> AccessControlPolicies,
    string? NameResolutionComponent,
    string SourceFile)
{
    public static ConfigurationResource Default { get; } = new(
        "default", 0.0001, false, null, null, true, new Dictionary<string, bool>(), [], null, [], null, "");
}

/// <summary>Everything loaded from --resources-path and --config, already filtered by namespace and scopes.</summary>
public sealed record LoadedResources(
    IReadOnlyList<ComponentResource> Components,
    IReadOnlyList<SubscriptionResource> Subscriptions,
    IReadOnlyList<ResiliencyResource> Resiliencies,
    ConfigurationResource Configuration);

/// <summary>An invalid resource: stops start-up and names the file and the field.</summary>
public sealed class ResourceException(string file, string field, string problem)
    : Exception($"{file}: {field}: {problem}")
{
    public string File { get; } = file;
    public string Field { get; } = field;
}
