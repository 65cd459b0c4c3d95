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
}

/// <summary>
/// Timeout, retry and circuit breaker around one operation. The operation reports a failure by throwing; an
/// exception marked <see cref="IPermanentFailure"/> (an etag conflict, say) is never retried.
/// </summary>
public interface IResiliencyPolicy
{
    Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken);
}

/// <summary>Marks an exception that retrying cannot fix.</summary>
public interface IPermanentFailure;
