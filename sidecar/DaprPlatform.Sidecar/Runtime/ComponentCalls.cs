using System.Diagnostics;
using DaprPlatform.Sidecar.Runtime.Metrics;
using DaprPlatform.Sidecar.Runtime.Resiliency;

namespace DaprPlatform.Sidecar.Runtime;

/// <summary>
/// The API's calls into state and secret stores as daprd makes them: each through the component's outbound resiliency
/// policy, and each API operation counted and timed once (dapr_component_state_* / dapr_component_secret_*, under
/// daprd's operation names), for the HTTP and the gRPC API alike.
/// </summary>
public sealed class ComponentCalls(IResiliencyProvider resiliency, SidecarMetrics metrics)
{
    public IResiliencyPolicy Policy(string component) => resiliency.ComponentOutbound(component);

    public Task<T> StateAsync<T>(string store, string operation, Func<CancellationToken, Task<T>> call, CancellationToken ct) =>
        MeasureStateAsync(store, operation, () => Policy(store).ExecuteAsync(call, ct));

    public Task StateAsync(string store, string operation, Func<CancellationToken, Task> call, CancellationToken ct) =>
        MeasureStateAsync(store, operation, () => Policy(store).ExecuteAsync(async t =>
        {
            await call(t);
            return true;
        }, ct));

    /// <summary>Counts and times an operation that applies the policy itself (per item, as a bulk save does).</summary>
    public Task<T> MeasureStateAsync<T>(string store, string operation, Func<Task<T>> run) =>
        MeasureAsync(Building.State, store, operation, run);

    public Task MeasureStateAsync(string store, string operation, Func<Task> run) =>
        MeasureStateAsync(store, operation, async () =>
        {
            await run();
            return true;
        });

    public Task<T> SecretAsync<T>(string store, string operation, Func<CancellationToken, Task<T>> call, CancellationToken ct) =>
        MeasureAsync(Building.Secret, store, operation, () => Policy(store).ExecuteAsync(call, ct));

    private async Task<T> MeasureAsync<T>(Building block, string store, string operation, Func<Task<T>> run)
    {
        var started = Stopwatch.GetTimestamp();
        var success = false;
        try
        {
            var result = await run();
            success = true;
            return result;
        }
        finally
        {
            var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (block == Building.State)
            {
                metrics.RecordStateOperation(store, operation, success, elapsedMs);
            }
            else
            {
                metrics.RecordSecretOperation(store, operation, success, elapsedMs);
            }
        }
    }

    private enum Building
    {
        State,
        Secret,
    }
}

/// <summary>daprd's operation label values (pkg/diagnostics/component_monitoring.go).</summary>
public static class ComponentOperations
{
    public const string Get = "get";
    public const string Set = "set";
    public const string Delete = "delete";
    public const string BulkGet = "bulk_get";
    public const string BulkDelete = "bulk_delete";
    public const string Transaction = "transaction";
}
