using System.Net;
using DaprPlatform.Sidecar.Tests.Invocation;
using Grpc.Core;
using Grpc.Net.Client;
using DaprGrpc = Dapr.Client.Autogen.Grpc.v1;
using DaprPlatform.Testing;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Metrics;

/// <summary>GET /metrics on the metrics port after real traffic through two sidecars.</summary>
public sealed class MetricsEndpointTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string[]> ScrapeAsync(SidecarProcess sidecar)
    {
        using var client = new HttpClient();
        using var response = await client.GetAsync($"http://127.0.0.1:{sidecar.MetricsPort}/metrics", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadAsStringAsync(Ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    [Fact]
    public async Task Metrics_count_requests_invocations_and_retries()
    {
        await using var sidecars = new InvocationSidecars();
        using var resources = new ResourcesDirectory().AddFile("resiliency.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: metrics-resiliency
            spec:
              policies:
                retries:
                  DefaultAppRetryPolicy:
                    policy: constant
                    duration: 10ms
                    maxRetries: 2
            """);
        var calleeId = InvocationSidecars.UniqueId("measured");
        var callerId = InvocationSidecars.UniqueId("measuring");
        var app = await sidecars.StartAppAsync();
        var callee = await sidecars.StartSidecarAsync(new SidecarProcessOptions { AppId = calleeId, AppPort = app.Port });
        var caller = await sidecars.StartSidecarAsync(new SidecarProcessOptions { AppId = callerId, ResourcesPaths = [resources.Path] });

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await caller.HttpClient.GetAsync($"v1.0/invoke/{calleeId}/method/echo/measured", Ct)).StatusCode);
        }

        var key = Guid.NewGuid().ToString("N");
        Assert.Equal(HttpStatusCode.OK, (await caller.HttpClient.GetAsync($"v1.0/invoke/{calleeId}/method/flaky/{key}/1", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await caller.HttpClient.GetAsync("v1.0/state", Ct)).StatusCode);

        var callerLines = await ScrapeAsync(caller);
        Assert.Contains($"dapr_http_server_request_count{{app_id=\"{callerId}\",method=\"GET\",path=\"/v1.0/invoke/{calleeId}/method/echo/measured\",status=\"200\"}} 3", callerLines);
        Assert.Contains($"dapr_http_server_request_count{{app_id=\"{callerId}\",method=\"GET\",path=\"/v1.0/state\",status=\"404\"}} 1", callerLines);
        Assert.Contains($"dapr_http_server_latency_count{{app_id=\"{callerId}\",method=\"GET\",path=\"/v1.0/invoke/{calleeId}/method/echo/measured\",status=\"200\"}} 3", callerLines);
        Assert.Contains(callerLines, l => l.StartsWith($"dapr_http_server_latency_bucket{{app_id=\"{callerId}\",method=\"GET\",path=\"/v1.0/invoke/{calleeId}/method/echo/measured\",status=\"200\",le=\"+Inf\"}} 3", StringComparison.Ordinal));
        // Five calls reached the callee: three echoes and the flaky method twice (one failure, one retry).
        Assert.Contains($"dapr_runtime_service_invocation_req_sent_total{{app_id=\"{callerId}\",dst_app_id=\"{calleeId}\",type=\"unary\"}} 5", callerLines);
        Assert.Contains($"dapr_runtime_service_invocation_res_recv_total{{app_id=\"{callerId}\",src_app_id=\"{calleeId}\",status=\"200\",type=\"unary\"}} 4", callerLines);
        Assert.Contains($"dapr_runtime_service_invocation_res_recv_total{{app_id=\"{callerId}\",src_app_id=\"{calleeId}\",status=\"500\",type=\"unary\"}} 1", callerLines);
        Assert.Contains($"dapr_resiliency_loaded{{app_id=\"{callerId}\",name=\"metrics-resiliency\",namespace=\"default\"}} 1", callerLines);
        Assert.Contains($"dapr_resiliency_count{{app_id=\"{callerId}\",name=\"metrics-resiliency\",policy=\"retry\",namespace=\"default\",flow_direction=\"outbound\",target=\"app_{calleeId}\",status=\"\"}} 4", callerLines);
        Assert.Contains($"dapr_resiliency_activations_total{{app_id=\"{callerId}\",name=\"metrics-resiliency\",policy=\"retry\",namespace=\"default\",flow_direction=\"outbound\",target=\"app_{calleeId}\",status=\"\"}} 1", callerLines);

        var calleeLines = await ScrapeAsync(callee);
        Assert.Contains($"dapr_runtime_service_invocation_req_recv_total{{app_id=\"{calleeId}\",src_app_id=\"{callerId}\"}} 5", calleeLines);
        Assert.Contains($"dapr_runtime_service_invocation_res_sent_total{{app_id=\"{calleeId}\",dst_app_id=\"{callerId}\",status=\"200\"}} 4", calleeLines);

        // The metrics route lives on the metrics port only; on the API port /metrics is just an unknown route.
        using var onApiPort = await caller.HttpClient.GetAsync("metrics", Ct);
        Assert.Equal(HttpStatusCode.NotFound, onApiPort.StatusCode);
    }

    [Fact]
    public async Task Metrics_count_grpc_calls_by_method_and_final_status()
    {
        var appId = InvocationSidecars.UniqueId("grpc-measured");
        using var resources = new ResourcesDirectory().AddInMemoryStateStore("memstore");
        await using var sidecar = await SidecarProcess.StartAsync(new SidecarProcessOptions { AppId = appId, ResourcesPaths = [resources.Path] }, Ct);
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{sidecar.GrpcPort}");
        var dapr = new DaprGrpc.Dapr.DaprClient(channel);

        await dapr.GetStateAsync(new DaprGrpc.GetStateRequest { StoreName = "memstore", Key = "k" }, cancellationToken: Ct);
        await dapr.GetStateAsync(new DaprGrpc.GetStateRequest { StoreName = "memstore", Key = "k" }, cancellationToken: Ct);
        var error = await Assert.ThrowsAsync<RpcException>(
            () => dapr.GetStateAsync(new DaprGrpc.GetStateRequest { StoreName = "nowhere", Key = "k" }, cancellationToken: Ct).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        var lines = await ScrapeAsync(sidecar);
        Assert.Contains($"dapr_grpc_io_server_completed_rpcs{{app_id=\"{appId}\",grpc_server_method=\"/dapr.proto.runtime.v1.Dapr/GetState\",grpc_server_status=\"OK\"}} 2", lines);
        Assert.Contains($"dapr_grpc_io_server_completed_rpcs{{app_id=\"{appId}\",grpc_server_method=\"/dapr.proto.runtime.v1.Dapr/GetState\",grpc_server_status=\"InvalidArgument\"}} 1", lines);
        Assert.Contains(lines, l => l.StartsWith($"dapr_grpc_io_server_server_latency_count{{app_id=\"{appId}\",grpc_server_method=\"/dapr.proto.runtime.v1.Dapr/GetState\",grpc_server_status=\"OK\"}} 2", StringComparison.Ordinal));
        // Request and response sizes per unary call, in daprd's byte buckets: the requests are a few bytes each.
        Assert.Contains($"dapr_grpc_io_server_received_bytes_per_rpc_bucket{{app_id=\"{appId}\",grpc_server_method=\"/dapr.proto.runtime.v1.Dapr/GetState\",le=\"1024\"}} 3", lines);
        Assert.Contains($"dapr_grpc_io_server_sent_bytes_per_rpc_count{{app_id=\"{appId}\",grpc_server_method=\"/dapr.proto.runtime.v1.Dapr/GetState\"}} 3", lines);
        // The component is counted once per API call that reached it; the unknown store reached none.
        Assert.Contains($"dapr_component_state_count{{app_id=\"{appId}\",component=\"memstore\",namespace=\"default\",operation=\"get\",success=\"true\"}} 2", lines);
        Assert.DoesNotContain(lines, l => l.Contains("component=\"nowhere\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_count_state_secret_publish_and_bulk_publish_operations_of_the_http_api_as_daprd_names_them()
    {
        var appId = InvocationSidecars.UniqueId("components-measured");
        using var resources = new ResourcesDirectory()
            .AddInMemoryStateStore("memstore")
            .AddInMemoryPubSub("pubsub")
            .AddLocalFileSecretStore(new Dictionary<string, string> { ["apiKey"] = "k-1" }, "secretstore");
        await using var sidecar = await SidecarProcess.StartAsync(new SidecarProcessOptions { AppId = appId, ResourcesPaths = [resources.Path] }, Ct);
        var http = sidecar.HttpClient;

        Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsync("v1.0/state/memstore", new StringContent("[{\"key\":\"a\",\"value\":1},{\"key\":\"b\",\"value\":2}]"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("v1.0/state/memstore/a", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await http.DeleteAsync("v1.0/state/memstore/a", Ct)).StatusCode);
        using (var stale = await DeleteWithStaleETagAsync(http))
        {
            Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("v1.0/secrets/secretstore/apiKey", Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsync("v1.0/publish/pubsub/orders", new StringContent("{}"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await http.PostAsync(
            "v1.0-alpha1/publish/bulk/pubsub/orders",
            new StringContent("[{\"entryId\":\"1\",\"event\":\"a\",\"contentType\":\"text/plain\"},{\"entryId\":\"2\",\"event\":\"b\",\"contentType\":\"text/plain\"}]"),
            Ct)).StatusCode);

        var lines = await ScrapeAsync(sidecar);
        Assert.Contains($"dapr_component_state_count{{app_id=\"{appId}\",component=\"memstore\",namespace=\"default\",operation=\"set\",success=\"true\"}} 1", lines);
        Assert.Contains($"dapr_component_state_count{{app_id=\"{appId}\",component=\"memstore\",namespace=\"default\",operation=\"get\",success=\"true\"}} 1", lines);
        Assert.Contains($"dapr_component_state_count{{app_id=\"{appId}\",component=\"memstore\",namespace=\"default\",operation=\"delete\",success=\"true\"}} 1", lines);
        Assert.Contains($"dapr_component_state_count{{app_id=\"{appId}\",component=\"memstore\",namespace=\"default\",operation=\"delete\",success=\"false\"}} 1", lines);
        Assert.Contains($"dapr_component_secret_count{{app_id=\"{appId}\",component=\"secretstore\",namespace=\"default\",operation=\"get\",success=\"true\"}} 1", lines);
        Assert.Contains($"dapr_component_pubsub_egress_count{{app_id=\"{appId}\",component=\"pubsub\",namespace=\"default\",success=\"true\",topic=\"orders\"}} 1", lines);
        Assert.Contains($"dapr_component_pubsub_egress_bulk_count{{app_id=\"{appId}\",component=\"pubsub\",namespace=\"default\",success=\"true\",topic=\"orders\"}} 1", lines);
        Assert.Contains($"dapr_component_pubsub_egress_bulk_event_count{{app_id=\"{appId}\",component=\"pubsub\",namespace=\"default\",success=\"true\",topic=\"orders\"}} 2", lines);
    }

    private static async Task<HttpResponseMessage> DeleteWithStaleETagAsync(HttpClient http)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, "v1.0/state/memstore/b");
        request.Headers.TryAddWithoutValidation("If-Match", "stale");
        return await http.SendAsync(request, Ct);
    }
}
