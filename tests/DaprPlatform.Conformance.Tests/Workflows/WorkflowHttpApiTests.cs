using System.Net.Http.Json;
using System.Text;
using Dapr.Workflow;

namespace DaprPlatform.Conformance.Tests.Workflows;

/// <summary>
/// The sidecar's workflow HTTP API (/v1.0/workflows/dapr) driving workflows that the C# SDK worker app runs:
/// start, get, raise event, pause, resume, terminate and purge, with daprd's status codes and JSON.
/// </summary>
public sealed class WorkflowHttpApiTests(SharedWorkflowEnvironment shared) : IClassFixture<SharedWorkflowEnvironment>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private WorkflowEnvironment Environment => shared.Environment;

    private HttpClient Http => shared.Environment.Sidecar.HttpClient;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Start_get_raise_event_through_http_completes_the_workflow_the_sdk_worker_runs()
    {
        var instanceId = $"http-{Guid.NewGuid():N}"[..20];
        using var start = await Http.PostAsync(
            $"v1.0/workflows/dapr/{WorkflowAppNames.Approval}/start?instanceID={instanceId}", Json("""{"request":"laptop"}"""), Cancellation);
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        Assert.Equal(instanceId, (await start.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("instanceID").GetString());

        var running = await WaitForHttpStateAsync(instanceId, s => CustomStatus(s) == "\"waiting\"");
        Assert.Equal("RUNNING", running.GetProperty("runtimeStatus").GetString());
        Assert.Equal(WorkflowAppNames.Approval, running.GetProperty("workflowName").GetString());
        Assert.Equal("""{"request":"laptop"}""", running.GetProperty("properties").GetProperty("dapr.workflow.input").GetString());

        using var raise = await Http.PostAsync(
            $"v1.0/workflows/dapr/{instanceId}/raiseEvent/{WorkflowAppNames.ApprovalEvent}", Json("\"carol\""), Cancellation);
        Assert.Equal(HttpStatusCode.Accepted, raise.StatusCode);

        var completed = await WaitForHttpStateAsync(instanceId, s => s.GetProperty("runtimeStatus").GetString() == "COMPLETED");
        Assert.Equal("\"laptop approved by carol\"", completed.GetProperty("properties").GetProperty("dapr.workflow.output").GetString());
        Assert.Equal("\"approved\"", CustomStatus(completed));
        Assert.Equal(["approved-by-carol"], Environment.Journal.StartedSteps(instanceId));
    }

    [Fact]
    public async Task Pause_resume_terminate_and_purge_through_http()
    {
        var instanceId = await Environment.Client.ScheduleNewWorkflowAsync(
            WorkflowAppNames.Approval, instanceId: null, input: new ApprovalInput("desk"), startTime: null, cancellation: Cancellation);
        await WaitForHttpStateAsync(instanceId, s => CustomStatus(s) == "\"waiting\"");

        Assert.Equal(HttpStatusCode.Accepted, await PostAsync($"{instanceId}/pause"));
        await WaitForHttpStateAsync(instanceId, s => s.GetProperty("runtimeStatus").GetString() == "SUSPENDED");
        Assert.Equal(HttpStatusCode.Accepted, await PostAsync($"{instanceId}/resume"));
        await WaitForHttpStateAsync(instanceId, s => s.GetProperty("runtimeStatus").GetString() == "RUNNING");

        Assert.Equal(HttpStatusCode.Accepted, await PostAsync($"{instanceId}/terminate"));
        var terminated = await Environment.WaitForCompletionAsync(instanceId, Timeout);
        Assert.Equal(WorkflowRuntimeStatus.Terminated, terminated.RuntimeStatus);
        Assert.Empty(Environment.Journal.StartedSteps(instanceId));

        Assert.Equal(HttpStatusCode.Accepted, await PostAsync($"{instanceId}/purge"));
        using var gone = await Http.GetAsync($"v1.0/workflows/dapr/{instanceId}", Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        var error = await gone.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
        Assert.Equal("ERR_INSTANCE_ID_NOT_FOUND", error.GetProperty("errorCode").GetString());
        Assert.False((await Environment.Client.GetWorkflowStateAsync(instanceId, cancellation: Cancellation)).Exists);
    }

    private async Task<HttpStatusCode> PostAsync(string path)
    {
        using var response = await Http.PostAsync($"v1.0/workflows/dapr/{path}", content: null, Cancellation);
        return response.StatusCode;
    }

    private async Task<JsonElement> WaitForHttpStateAsync(string instanceId, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (true)
        {
            using var response = await Http.GetAsync($"v1.0/workflows/dapr/{instanceId}", Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var state = await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation);
            if (done(state))
            {
                return state;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{instanceId} never reached the expected state; last: {state}");
            await Task.Delay(50, Cancellation);
        }
    }

    private static string? CustomStatus(JsonElement state) =>
        state.TryGetProperty("properties", out var properties) && properties.TryGetProperty("dapr.workflow.custom_status", out var status)
            ? status.GetString()
            : null;

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
