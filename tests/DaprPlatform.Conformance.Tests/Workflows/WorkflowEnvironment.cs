using System.Net.Http.Json;
using Dapr.Workflow;
using Dapr.Workflow.Registration;
using Microsoft.Extensions.Configuration;

namespace DaprPlatform.Conformance.Tests.Workflows;

/// <summary>
/// One sidecar on state.redis (actorStateStore) plus the WorkflowApp worker process (Dapr.Workflow's AddDaprWorkflow),
/// with Dapr.Workflow's DaprWorkflowClient on the sidecar's gRPC port. The sidecar and the app can each be killed and
/// restarted on the same ports and Redis data.
/// </summary>
public sealed class WorkflowEnvironment : IAsyncDisposable
{
    private static readonly TimeSpan WorkerConnectTimeout = TimeSpan.FromSeconds(20);

    private readonly ResourcesDirectory _resources;
    private readonly SidecarProcessOptions _sidecarOptions;

    private WorkflowEnvironment(ResourcesDirectory resources, SidecarProcessOptions sidecarOptions, SidecarProcess sidecar)
    {
        _resources = resources;
        _sidecarOptions = sidecarOptions;
        Sidecar = sidecar;
        // As an app builds one; the gRPC endpoint stays valid across sidecar restarts on the same port.
        Client = new DaprWorkflowClientBuilder(new ConfigurationBuilder().Build())
            .UseGrpcEndpoint($"http://127.0.0.1:{sidecar.GrpcPort}")
            .Build();
    }

    public SidecarProcess Sidecar { get; private set; }

    public ManagedProcess? App { get; private set; }

    public DaprWorkflowClient Client { get; }

    public ExecutionJournalFile Journal { get; } = new();

    /// <summary>Starts a sidecar with its own app id (so its Redis keys are its own) and the app, and waits for the worker to connect.</summary>
    public static async Task<WorkflowEnvironment> StartAsync(InfraFixture infra)
    {
        var resources = new ResourcesDirectory().AddRedisStateStore(infra.RedisHost, "workflowstore", actorStateStore: true);
        var options = new SidecarProcessOptions
        {
            AppId = infra.UniqueName("wf-e2e"),
            ResourcesPaths = [resources.Path],
            // Fixed ports: a restarted sidecar must be where the app's worker reconnects.
            HttpPort = FreePort.Get(),
            GrpcPort = FreePort.Get(),
            InternalGrpcPort = FreePort.Get(),
            MetricsPort = FreePort.Get(),
        };
        var environment = new WorkflowEnvironment(resources, options, await SidecarProcess.StartAsync(options));
        try
        {
            await environment.StartAppAsync();
            return environment;
        }
        catch
        {
            await environment.DisposeAsync();
            throw;
        }
    }

    public async Task StartAppAsync()
    {
        App = WorkflowAppProcess.Start(Sidecar.GrpcPort, Journal);
        await WaitForConnectedWorkersAsync(1);
    }

    /// <summary>Brings back whatever a previous (failed) test left killed, so tests can share one environment.</summary>
    public async Task EnsureRunningAsync()
    {
        if (Sidecar.Process.HasExited)
        {
            await Sidecar.DisposeAsync();
            Sidecar = await SidecarProcess.StartAsync(_sidecarOptions);
        }

        if (App is null || App.HasExited)
        {
            await KillAppAsync();
            await StartAppAsync();
        }
    }

    /// <summary>SIGKILL of the app's process tree: nothing of it gets to say goodbye.</summary>
    public async Task KillAppAsync()
    {
        if (App is { } app)
        {
            await app.DisposeAsync();
            App = null;
        }
    }

    /// <summary>SIGKILL of the sidecar: no graceful shutdown, the engine's state is whatever reached Redis.</summary>
    public Task KillSidecarAsync() => Sidecar.DisposeAsync().AsTask();

    /// <summary>A new sidecar process on the same ports, app id and Redis; waits until the running app's worker reconnected.</summary>
    public async Task RestartSidecarAsync()
    {
        Sidecar = await SidecarProcess.StartAsync(_sidecarOptions);
        if (App is not null)
        {
            await WaitForConnectedWorkersAsync(1);
        }
    }

    public async Task<WorkflowState> WaitForCompletionAsync(string instanceId, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            return await Client.WaitForWorkflowCompletionAsync(instanceId, cancellation: deadline.Token);
        }
        catch (OperationCanceledException)
        {
            var state = await Client.GetWorkflowStateAsync(instanceId);
            throw new TimeoutException(
                $"{instanceId} did not complete within {timeout.TotalSeconds} s (status {state.RuntimeStatus}, custom status {state.ReadCustomStatusAs<JsonElement?>()}).\n"
                + $"{Sidecar.Output}\n{App?.Describe()}");
        }
    }

    /// <summary>Polls until the instance reaches <paramref name="status"/>.</summary>
    public async Task<WorkflowState> WaitForStatusAsync(string instanceId, WorkflowRuntimeStatus status, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var state = await Client.GetWorkflowStateAsync(instanceId);
            if (state.RuntimeStatus == status)
            {
                return state;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{instanceId} is {state.RuntimeStatus}, not {status}, after {timeout.TotalSeconds} s.");
            }

            await Task.Delay(50);
        }
    }

    private async Task WaitForConnectedWorkersAsync(int count)
    {
        var deadline = DateTime.UtcNow + WorkerConnectTimeout;
        while (true)
        {
            using var metadata = await Sidecar.HttpClient.GetFromJsonAsync<JsonDocument>("v1.0/metadata");
            if (metadata!.RootElement.TryGetProperty("workflows", out var workflows)
                && workflows.GetProperty("connectedWorkers").GetInt32() >= count)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No workflow worker connected within {WorkerConnectTimeout.TotalSeconds} s.\n{App?.Describe()}");
            }

            await Task.Delay(100);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await KillAppAsync();
        await Sidecar.DisposeAsync();
        await Client.DisposeAsync();
        _resources.Dispose();
        Journal.Dispose();
    }
}
