using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Net.Client;
using DaprPlatform.Testing;
using Google.Protobuf;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Workflow;

/// <summary>A real sidecar process with an actor state store, plus a gRPC channel to its TaskHubSidecarService.</summary>
internal sealed class WorkflowSidecar : IAsyncDisposable
{
    private readonly ResourcesDirectory? _ownedResources;
    private readonly GrpcChannel _channel;

    private WorkflowSidecar(SidecarProcess sidecar, ResourcesDirectory? ownedResources, string? apiToken)
    {
        Sidecar = sidecar;
        _ownedResources = ownedResources;
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{sidecar.GrpcPort}");
        Invoker = apiToken is null
            ? _channel.CreateCallInvoker()
            : _channel.Intercept(headers =>
            {
                headers.Add("dapr-api-token", apiToken);
                return headers;
            });
    }

    public SidecarProcess Sidecar { get; }

    /// <summary>Calls the sidecar's gRPC port, with the API token when the sidecar has one.</summary>
    public CallInvoker Invoker { get; }

    public HttpClient Http => Sidecar.HttpClient;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A sidecar whose actor state store is state.in-memory (state dies with the process).</summary>
    public static Task<WorkflowSidecar> StartInMemoryAsync(string appId, string? apiToken = null, bool actorStateStore = true)
    {
        var resources = new ResourcesDirectory();
        var metadata = actorStateStore ? new Dictionary<string, string> { ["actorStateStore"] = "true" } : null;
        resources.AddComponent("statestore", "state.in-memory", metadata);
        return StartAsync(appId, resources, ownsResources: true, apiToken);
    }

    public static async Task<WorkflowSidecar> StartAsync(string appId, ResourcesDirectory resources, bool ownsResources = false, string? apiToken = null)
    {
        var sidecar = await SidecarProcess.StartAsync(
            new SidecarProcessOptions { AppId = appId, ResourcesPaths = [resources.Path], ApiToken = apiToken, LogLevel = "debug" }, Ct);
        return new WorkflowSidecar(sidecar, ownsResources ? resources : null, apiToken);
    }

    public Task<TResponse> CallAsync<TRequest, TResponse>(Method<TRequest, TResponse> method, TRequest request, TimeSpan? timeout = null)
        where TRequest : class
        where TResponse : class =>
        Invoker.UnaryCallAsync(method, request, new CallOptions(deadline: DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30)), cancellationToken: Ct));

    public async Task<TestWorker> ConnectWorkerAsync()
    {
        var before = await ConnectedWorkersAsync();
        var worker = new TestWorker(Invoker);
        await WaitUntilAsync(async () => await ConnectedWorkersAsync() > before, "the worker stream was not registered");
        return worker;
    }

    /// <summary>workflows.connectedWorkers from GET /v1.0/metadata.</summary>
    public async Task<int> ConnectedWorkersAsync()
    {
        using var doc = JsonDocument.Parse(await Http.GetStringAsync("v1.0/metadata", Ct));
        return doc.RootElement.TryGetProperty("workflows", out var workflows) && workflows.TryGetProperty("connectedWorkers", out var count)
            ? count.GetInt32()
            : 0;
    }

    /// <summary>Starts a workflow over HTTP (202 at once) and returns its instance id.</summary>
    public async Task<string> StartOverHttpAsync(string name, string instanceId, string input = "\"in\"")
    {
        using var response = await Http.PostAsync($"v1.0/workflows/dapr/{name}/start?instanceID={instanceId}", new StringContent(input), Ct);
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        return body.GetProperty("instanceID").GetString()!;
    }

    public async Task<JsonElement> GetOverHttpAsync(string instanceId)
    {
        using var response = await Http.GetAsync($"v1.0/workflows/dapr/{instanceId}", Ct);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null)
    {
        if (!await Eventually.ReturnsAsync(condition, timeout ?? TimeSpan.FromSeconds(20)))
        {
            Assert.Fail($"timed out: {what}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await Sidecar.DisposeAsync();
        _ownedResources?.Dispose();
    }
}
