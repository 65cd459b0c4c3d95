using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using Dapr.DurableTask.Protobuf;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Workflow;

/// <summary>daprd's workflow HTTP API: routes under three versions, status codes, error bodies and the GET JSON.</summary>
public sealed class WorkflowHttpApiTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Instance_ids_are_validated_on_start_and_generated_when_omitted()
    {
        await using var wf = await WorkflowSidecar.StartInMemoryAsync("wf-http-ids");

        using (var generated = await wf.Http.PostAsync("v1.0/workflows/dapr/Any/start", new StringContent("{}"), Ct))
        {
            Assert.Equal(HttpStatusCode.Accepted, generated.StatusCode);
            Assert.Equal("application/json", generated.Content.Headers.ContentType?.MediaType);
            var id = (await generated.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("instanceID").GetString();
            Assert.True(Guid.TryParse(id, out _), $"'{id}' is not a UUID");
        }

        await AssertErrorAsync(
            await wf.Http.PostAsync($"v1.0/workflows/dapr/Any/start?instanceID={new string('a', 65)}", null, Ct),
            HttpStatusCode.BadRequest, "ERR_INSTANCE_ID_TOO_LONG", "workflow instance ID exceeds the max length of 64 characters");
        await AssertErrorAsync(
            await wf.Http.PostAsync("v1.0/workflows/dapr/Any/start?instanceID=a.b", null, Ct),
            HttpStatusCode.BadRequest, "ERR_INSTANCE_ID_INVALID", "workflow instance ID 'a.b' is invalid: only alphanumeric and underscore characters are allowed");

        using var ok = await wf.Http.PostAsync($"v1.0/workflows/dapr/Any/start?instanceID={new string('a', 64)}", null, Ct);
        Assert.Equal(HttpStatusCode.Accepted, ok.StatusCode);

        // A running id cannot be started again.
        await wf.StartOverHttpAsync("Any", "dup-1");
        var conflict = await wf.Http.PostAsync("v1.0/workflows/dapr/Any/start?instanceID=dup-1", null, Ct);
        await AssertErrorAsync(conflict, HttpStatusCode.InternalServerError, "ERR_START_WORKFLOW",
            "error starting workflow 'Any': unable to start workflow: an active workflow with ID 'dup-1' already exists");
    }

    [Fact]
    public async Task Get_reports_status_and_properties_under_every_api_version()
    {
        await using var wf = await WorkflowSidecar.StartInMemoryAsync("wf-http-get");
        await wf.StartOverHttpAsync("Report", "get-1", "\"input value\"");

        foreach (var version in new[] { "v1.0", "v1.0-beta1", "v1.0-alpha1" })
        {
            using var response = await wf.Http.GetAsync($"{version}/workflows/dapr/get-1", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal("get-1", body.GetProperty("instanceID").GetString());
            Assert.Equal("Report", body.GetProperty("workflowName").GetString());
            Assert.Equal("PENDING", body.GetProperty("runtimeStatus").GetString());
            Assert.EndsWith("Z", body.GetProperty("createdAt").GetString());
            Assert.True(DateTimeOffset.TryParse(body.GetProperty("lastUpdatedAt").GetString(), out _));
            Assert.Equal("\"input value\"", body.GetProperty("properties").GetProperty("dapr.workflow.input").GetString());
        }

        await using var worker = await wf.ConnectWorkerAsync();
        await worker.NextWorkflowAsync("get-1");
        await worker.CompleteWorkflowAsync("get-1", worker.LastToken, "my custom status", Actions.Complete(0, "\"return value\""));
        await wf.CallAsync(TaskHubSidecarServiceMethods.WaitForInstanceCompletion, new GetInstanceRequest { InstanceId = "get-1" });
        var completed = await wf.GetOverHttpAsync("get-1");
        Assert.Equal("COMPLETED", completed.GetProperty("runtimeStatus").GetString());
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["dapr.workflow.custom_status"] = "my custom status",
                ["dapr.workflow.input"] = "\"input value\"",
                ["dapr.workflow.output"] = "\"return value\"",
            },
            completed.GetProperty("properties").Deserialize<Dictionary<string, string>>());

        // A failed workflow reports its failure and no output.
        await wf.StartOverHttpAsync("Report", "get-2");
        await worker.NextWorkflowAsync("get-2");
        await worker.CompleteWorkflowAsync("get-2", worker.LastToken, Actions.Fail(0, "System.InvalidOperationException", "boom"));
        await wf.CallAsync(TaskHubSidecarServiceMethods.WaitForInstanceCompletion, new GetInstanceRequest { InstanceId = "get-2" });
        var failed = await wf.GetOverHttpAsync("get-2");
        Assert.Equal("FAILED", failed.GetProperty("runtimeStatus").GetString());
        var properties = failed.GetProperty("properties").Deserialize<Dictionary<string, string>>()!;
        Assert.Equal("System.InvalidOperationException", properties["dapr.workflow.failure.error_type"]);
        Assert.Equal("boom", properties["dapr.workflow.failure.error_message"]);
        Assert.Equal("at Workflow.Run()", properties["dapr.workflow.failure.stack_trace"]);
        Assert.False(properties.ContainsKey("dapr.workflow.output"));
    }

    [Fact]
    public async Task Unknown_instances_answer_like_daprd()
    {
        await using var wf = await WorkflowSidecar.StartInMemoryAsync("wf-http-unknown");
        await AssertErrorAsync(await wf.Http.GetAsync("v1.0/workflows/dapr/not-found", Ct),
            HttpStatusCode.NotFound, "ERR_INSTANCE_ID_NOT_FOUND", "unable to find workflow with the provided instance ID: not-found");
        await AssertErrorAsync(await wf.Http.PostAsync("v1.0/workflows/dapr/not-found/terminate", null, Ct),
            HttpStatusCode.NotFound, "ERR_INSTANCE_ID_NOT_FOUND", "unable to find workflow with the provided instance ID: not-found");
        await AssertErrorAsync(await wf.Http.PostAsync("v1.0-beta1/workflows/dapr/not-found/purge", null, Ct),
            HttpStatusCode.NotFound, "ERR_INSTANCE_ID_NOT_FOUND", "unable to find workflow with the provided instance ID: not-found");
        await AssertErrorAsync(await wf.Http.PostAsync("v1.0/workflows/dapr/not-found/raiseEvent/E", null, Ct),
            HttpStatusCode.InternalServerError, "ERR_RAISE_EVENT_WORKFLOW",
            "error raising event on workflow 'not-found': failed to raise event E on workflow not-found: failed to raise event: no such instance exists");
        await AssertErrorAsync(await wf.Http.PostAsync("v1.0/workflows/dapr/not-found/pause", null, Ct),
            HttpStatusCode.InternalServerError, "ERR_PAUSE_WORKFLOW",
            "error pausing workflow not-found: failed to pause workflow not-found: failed to suspend workflow: no such instance exists");
        await AssertErrorAsync(await wf.Http.PostAsync("v1.0/workflows/dapr/not-found/resume", null, Ct),
            HttpStatusCode.InternalServerError, "ERR_RESUME_WORKFLOW",
            "error resuming workflow not-found: failed to resume workflow not-found: failed to resume workflow: no such instance exists");
    }

    [Fact]
    public async Task Without_an_actor_state_store_workflow_apis_fail_like_daprd()
    {
        await using var wf = await WorkflowSidecar.StartInMemoryAsync("wf-no-actor-store", actorStateStore: false);
        const string message = "the state store is not configured to use the actor runtime. Have you set the - name: actorStateStore value: \"true\" in your state store component file?";
        await AssertErrorAsync(await wf.Http.PostAsync("v1.0/workflows/dapr/W/start", null, Ct), HttpStatusCode.InternalServerError, "ERR_ACTOR_RUNTIME_NOT_FOUND", message);
        await AssertErrorAsync(await wf.Http.GetAsync("v1.0/workflows/dapr/x", Ct), HttpStatusCode.InternalServerError, "ERR_ACTOR_RUNTIME_NOT_FOUND", message);

        var grpc = await Assert.ThrowsAsync<RpcException>(() => wf.CallAsync(TaskHubSidecarServiceMethods.GetInstance, new GetInstanceRequest { InstanceId = "x" }));
        Assert.Equal(StatusCode.Internal, grpc.StatusCode);
        Assert.Equal(message, grpc.Status.Detail);

        var stream = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in wf.Invoker.ServerStreamingCall(TaskHubSidecarServiceMethods.GetWorkItems, new GetWorkItemsRequest()))
            {
            }
        });
        Assert.Equal(StatusCode.Unavailable, stream.StatusCode);
    }

    [Fact]
    public async Task Api_token_is_required_on_the_grpc_port_as_a_grpc_status()
    {
        await using var wf = await WorkflowSidecar.StartInMemoryAsync("wf-token", apiToken: "s3cret");
        var hello = await wf.CallAsync(TaskHubSidecarServiceMethods.Hello, new Google.Protobuf.WellKnownTypes.Empty());
        Assert.NotNull(hello);

        using var anonymous = GrpcChannel.ForAddress($"http://127.0.0.1:{wf.Sidecar.GrpcPort}");
        var error = await Assert.ThrowsAsync<RpcException>(() => anonymous.CreateCallInvoker().UnaryCallAsync(
            TaskHubSidecarServiceMethods.GetInstance, new GetInstanceRequest { InstanceId = "x" }, new CallOptions(cancellationToken: Ct)));
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal("Unauthorized", error.Status.Detail);

        // Methods of durabletask's protocol that daprd does not serve answer UNIMPLEMENTED.
        var abandon = new Method<Google.Protobuf.WellKnownTypes.Empty, Google.Protobuf.WellKnownTypes.Empty>(
            MethodType.Unary, "TaskHubSidecarService", "AbandonTaskActivityWorkItem", TaskHubSidecarServiceMethods.Hello.RequestMarshaller, TaskHubSidecarServiceMethods.Hello.ResponseMarshaller);
        var unimplemented = await Assert.ThrowsAsync<RpcException>(() => wf.CallAsync(abandon, new Google.Protobuf.WellKnownTypes.Empty()));
        Assert.Equal(StatusCode.Unimplemented, unimplemented.StatusCode);
    }

    private static async Task AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string errorCode, string message)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
            Assert.Equal(errorCode, body.GetProperty("errorCode").GetString());
            Assert.Equal(message, body.GetProperty("message").GetString());
        }
    }
}
