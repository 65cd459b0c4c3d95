namespace DaprPlatform.Sidecar.Runtime.Resiliency;

/// <summary>The policies of the loaded Resiliency resources, looked up per target (daprd's resiliency.Provider).</summary>
public interface IResiliencyProvider
{
    /// <summary>Calls from the app to a component (state, publish, secrets).</summary>
    IResiliencyPolicy ComponentOutbound(string componentName);

    /// <summary>Calls from a component into the app (pub/sub delivery).</summary>
    IResiliencyPolicy ComponentInbound(string componentName);

    /// <summary>Service invocation of the app with this id.</summary>
    IResiliencyPolicy App(string appId);

    /// <summary>
    /// Service invocation of one method of an app: daprd keeps a circuit breaker per endpoint ("app:method"),
    /// so one failing method does not open the circuit for the others.
    /// </summary>
    IResiliencyPolicy App(string appId, string method) => App(appId);

    /// <summary>True when a Resiliency resource names this app under targets.apps (daprd's PolicyDefined).</summary>
    bool HasAppTarget(string appId) => false;

    /// <summary>One of daprd's built-in policies (e.g. DaprBuiltInServiceRetries), possibly overridden by a resource.</summary>
    IResiliencyPolicy BuiltIn(string name) => NoResiliency.Instance;
}

/// <summary>
/// Timeout, retry and circuit breaker around one operation. The operation reports a failure by throwing; an
/// exception marked <see cref="IPermanentFailure"/> (an etag conflict, say) is never retried.
/// </summary>
public interface IResiliencyPolicy
{
    Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken);

    /// <summary>True when a failed operation may run again, so its input must be replayable.</summary>
    bool HasRetries => false;
}

/// <summary>Marks an exception that retrying cannot fix.</summary>
public interface IPermanentFailure;

/// <summary>
/// A failure that carries a status code (an HTTP status, or a gRPC code 0-16): a retry policy's <c>matching</c>
/// decides from it whether to retry.
/// </summary>
public interface IStatusCodeFailure
{
    int StatusCode { get; }
}
