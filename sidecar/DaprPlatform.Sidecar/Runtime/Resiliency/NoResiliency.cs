namespace DaprPlatform.Sidecar.Runtime.Resiliency;

/// <summary>No policies: each operation runs once.</summary>
public sealed class NoResiliency : IResiliencyProvider, IResiliencyPolicy
{
    public static NoResiliency Instance { get; } = new();

    public IResiliencyPolicy ComponentOutbound(string componentName) => this;

    public IResiliencyPolicy ComponentInbound(string componentName) => this;

    public IResiliencyPolicy App(string appId) => this;

    public Task<T> ExecuteAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken) => operation(cancellationToken);
}
