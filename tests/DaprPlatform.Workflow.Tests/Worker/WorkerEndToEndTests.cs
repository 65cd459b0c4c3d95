using DaprPlatform.Dapr.Grpc;
using DaprPlatform.Dapr.Workflow;
using DaprPlatform.Testing;
using DaprPlatform.Workflow.Tests.Workflows;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Workflow.Tests.Worker;

/// <summary>The real worker and client against a gRPC sidecar that speaks TaskHubSidecarService.</summary>
public sealed class WorkerEndToEndTests
{
    private const string ApiToken = "wf-secret";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_worker_runs_the_order_saga_and_echoes_completion_tokens()
    {
        await using var sidecar = await FakeWorkflowSidecar.StartAsync(ApiToken);
        using var app = await StartAppAsync(sidecar.Address);
        var client = app.Services.GetRequiredService<DaprWorkflowClient>();

        var id = await client.ScheduleNewWorkflowAsync(nameof(OrderSagaWorkflow), "order-e2e", OrderSagaActivities.SampleOrder, cancellationToken: Ct);
        var state = await WaitForCompletionAsync(client, id);

        Assert.Equal("order-e2e", id);
        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
        Assert.Equal(new OrderResult("order-17", "Completed", "tracking-order-17", null), state.ReadOutputAs<OrderResult>());
        Assert.Equal("Completed", state.ReadCustomStatusAs<string>());
        Assert.Equal(0, sidecar.RejectedCompletions);
        Assert.All(sidecar.ApiTokensSeen, token => Assert.Equal(ApiToken, token));
        Assert.Contains("CompleteOrchestratorTask", sidecar.CompletionMethods);
        Assert.DoesNotContain("CompleteWorkflowTask", sidecar.CompletionMethods);
        Assert.Equal(3, sidecar.CompletionMethods.Count(m => m == "CompleteActivityTask"));
    }

    [Fact]
    public async Task A_failing_step_is_compensated_through_the_worker()
    {
        await using var sidecar = await FakeWorkflowSidecar.StartAsync(ApiToken);
        using var app = await StartAppAsync(sidecar.Address);
        var client = app.Services.GetRequiredService<DaprWorkflowClient>();

        var id = await client.ScheduleNewWorkflowAsync(nameof(OrderSagaWorkflow), input: OrderSagaActivities.SampleOrder with { OrderId = "undeliverable-1" }, cancellationToken: Ct);
        var state = await WaitForCompletionAsync(client, id);

        var result = state.ReadOutputAs<OrderResult>()!;
        Assert.Equal("Cancelled", result.Status);
        Assert.Equal(CompensationOutcome.Compensated, result.Compensation!.Outcome);
        Assert.Equal(["RefundPayment", "ReleaseInventory"], result.Compensation.Steps.Select(s => s.ActivityName));
    }

    [Fact]
    public async Task CompleteWorkflowTask_is_used_when_configured()
    {
        await using var sidecar = await FakeWorkflowSidecar.StartAsync(ApiToken);
        using var app = await StartAppAsync(sidecar.Address, o => o.UseCompleteWorkflowTask = true);
        var client = app.Services.GetRequiredService<DaprWorkflowClient>();

        var id = await client.ScheduleNewWorkflowAsync(nameof(OrderSagaWorkflow), input: OrderSagaActivities.SampleOrder, cancellationToken: Ct);
        await WaitForCompletionAsync(client, id);

        Assert.Contains("CompleteWorkflowTask", sidecar.CompletionMethods);
        Assert.DoesNotContain("CompleteOrchestratorTask", sidecar.CompletionMethods);
    }

    [Fact]
    public async Task The_worker_keeps_retrying_until_the_sidecar_is_up()
    {
        var port = FreePort.Get();
        using var app = await StartAppAsync(new Uri($"http://127.0.0.1:{port}"));
        await Task.Delay(TimeSpan.FromMilliseconds(800), Ct);

        await using var sidecar = await FakeWorkflowSidecar.StartAsync(ApiToken, port);
        var client = app.Services.GetRequiredService<DaprWorkflowClient>();
        var id = await client.ScheduleNewWorkflowAsync(nameof(OrderSagaWorkflow), input: OrderSagaActivities.SampleOrder, cancellationToken: Ct);
        var state = await WaitForCompletionAsync(client, id);

        Assert.Equal(WorkflowRuntimeStatus.Completed, state.RuntimeStatus);
    }

    [Fact]
    public async Task The_worker_reconnects_after_the_stream_drops()
    {
        await using var sidecar = await FakeWorkflowSidecar.StartAsync(ApiToken);
        sidecar.DropStreamAfterItems = 1;
        using var app = await StartAppAsync(sidecar.Address);
        var client = app.Services.GetRequiredService<DaprWorkflowClient>();

        var id = await client.ScheduleNewWorkflowAsync(nameof(OrderSagaWorkflow), input: OrderSagaActivities.SampleOrder, cancellationToken: Ct);
        var state = await WaitForCompletionAsync(client, id);

        Assert.Equal("Completed", state.ReadOutputAs<OrderResult>()!.Status);
        Assert.True(sidecar.WorkItemStreamsOpened >= 6, $"expected a new stream per work item, saw {sidecar.WorkItemStreamsOpened}");
    }

    [Fact]
    public async Task The_client_manages_instances_through_the_sidecar()
    {
        await using var sidecar = await FakeWorkflowSidecar.StartAsync(ApiToken);
        using var app = await StartAppAsync(sidecar.Address);
        var client = app.Services.GetRequiredService<DaprWorkflowClient>();

        var approval = await client.ScheduleNewWorkflowAsync("Approval", "approval-1", new ApprovalRequest("order-9", 120m), cancellationToken: Ct);
        var started = await client.WaitForWorkflowStartAsync(approval, cancellationToken: Ct);
        await client.SuspendWorkflowAsync(approval, "audit", Ct);
        var suspended = await PollAsync(client, approval, s => s.RuntimeStatus == WorkflowRuntimeStatus.Suspended);
        await client.RaiseEventAsync(approval, "Decision", "approved", Ct);
        await client.ResumeWorkflowAsync(approval, cancellationToken: Ct);
        var completed = await WaitForCompletionAsync(client, approval);

        Assert.Equal(WorkflowRuntimeStatus.Running, started.RuntimeStatus);
        Assert.Equal(new ApprovalRequest("order-9", 120m), started.ReadInputAs<ApprovalRequest>());
        Assert.Equal(WorkflowRuntimeStatus.Suspended, suspended.RuntimeStatus);
        Assert.Equal("order-9: approved", completed.ReadOutputAs<string>());
        Assert.Equal("Approval", completed.WorkflowName);
        Assert.True(completed.LastUpdatedAt >= completed.CreatedAt);

        var abandoned = await client.ScheduleNewWorkflowAsync("Approval", input: new ApprovalRequest("order-10", 5m), cancellationToken: Ct);
        await client.WaitForWorkflowStartAsync(abandoned, cancellationToken: Ct);
        Assert.False(await client.PurgeInstanceAsync(abandoned, cancellationToken: Ct));
        await client.TerminateWorkflowAsync(abandoned, "customer left", cancellationToken: Ct);
        var terminated = await WaitForCompletionAsync(client, abandoned);
        Assert.Equal(WorkflowRuntimeStatus.Terminated, terminated.RuntimeStatus);
        Assert.Equal("customer left", terminated.ReadOutputAs<string>());

        Assert.True(await client.PurgeInstanceAsync(abandoned, cancellationToken: Ct));
        Assert.False((await client.GetWorkflowStateAsync(abandoned, cancellationToken: Ct)).Exists);
        Assert.False((await client.GetWorkflowStateAsync("never-created", cancellationToken: Ct)).Exists);
        var error = await Assert.ThrowsAsync<GrpcException>(() => client.RaiseEventAsync("never-created", "Decision", cancellationToken: Ct));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Activity_concurrency_is_limited_by_the_options()
    {
        var gauge = new ConcurrencyGauge();
        await using var sidecar = await FakeWorkflowSidecar.StartAsync(ApiToken);
        using var app = await StartAppAsync(sidecar.Address, o =>
        {
            o.MaxConcurrentActivityInvocations = 2;
            o.RegisterWorkflow<int, int>("FanOut", async (context, count) =>
                (await Task.WhenAll(Enumerable.Range(0, count).Select(i => context.CallActivityAsync<int>("Slow", i)))).Sum());
            o.RegisterActivity<int, int>("Slow", async (_, i) =>
            {
                using (gauge.Enter())
                {
                    await Task.Delay(300);
                }

                return i;
            });
        });
        var client = app.Services.GetRequiredService<DaprWorkflowClient>();

        var id = await client.ScheduleNewWorkflowAsync("FanOut", input: 6, cancellationToken: Ct);
        var state = await WaitForCompletionAsync(client, id);

        Assert.Equal(15, state.ReadOutputAs<int>());
        Assert.Equal(2, gauge.Peak);
    }

    [Fact]
    public async Task The_worker_sends_keepalive_Hello_calls()
    {
        await using var sidecar = await FakeWorkflowSidecar.StartAsync(ApiToken);
        using var app = await StartAppAsync(sidecar.Address, o => o.KeepaliveInterval = TimeSpan.FromMilliseconds(100));

        var deadline = DateTime.UtcNow + Patience;
        while (sidecar.HelloCalls < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Ct);
        }

        Assert.True(sidecar.HelloCalls >= 2);
    }

    [Fact]
    public async Task A_wrong_api_token_is_rejected_and_the_worker_keeps_retrying()
    {
        await using var sidecar = await FakeWorkflowSidecar.StartAsync(ApiToken);
        using var app = await StartAppAsync(sidecar.Address, o => o.ApiToken = "wrong");
        var client = app.Services.GetRequiredService<DaprWorkflowClient>();

        var error = await Assert.ThrowsAsync<GrpcException>(() => client.GetWorkflowStateAsync("x", cancellationToken: Ct));
        var deadline = DateTime.UtcNow + Patience;
        while (sidecar.ApiTokensSeen.Count(t => t == "wrong") < 3 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Ct);
        }

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.True(sidecar.ApiTokensSeen.Count(t => t == "wrong") >= 3);
        Assert.Equal(0, sidecar.WorkItemStreamsOpened);
    }

    [Theory]
    [InlineData("http://localhost:50001", "http://localhost:50001/")]
    [InlineData("127.0.0.1:4001", "http://127.0.0.1:4001/")]
    [InlineData("https://dapr.internal:443", "https://dapr.internal/")]
    public void The_grpc_endpoint_accepts_urls_and_host_port(string endpoint, string expected)
    {
        var options = new DaprWorkflowOptions { GrpcEndpoint = endpoint };

        Assert.Equal(expected, options.GetGrpcEndpointUri().ToString());
    }

    private static async Task<IHost> StartAppAsync(Uri sidecar, Action<DaprWorkflowOptions>? configure = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(new OrderSagaSettings(new WorkflowRetryPolicy(3, TimeSpan.FromMilliseconds(50))));
        builder.Services.AddDaprWorkflow(o =>
        {
            o.GrpcEndpoint = sidecar.ToString();
            o.ApiToken = ApiToken;
            o.ReconnectMinDelay = TimeSpan.FromMilliseconds(100);
            o.ReconnectMaxDelay = TimeSpan.FromMilliseconds(300);
            o.RegisterWorkflow<OrderSagaWorkflow>();
            o.RegisterWorkflow<ApprovalRequest, string>("Approval", async (context, request) =>
                $"{request.OrderId}: {await context.WaitForExternalEventAsync<string>("Decision")}");
            o.RegisterActivity<ReserveInventoryInput, string>("ReserveInventory", (_, input) => Task.FromResult($"reservation-{input.OrderId}"));
            o.RegisterActivity<ChargePaymentInput, string>("ChargePayment", (_, input) => Task.FromResult($"payment-{input.OrderId}"));
            o.RegisterActivity<string, string>("ShipOrder", (_, orderId) => orderId.StartsWith("undeliverable", StringComparison.Ordinal)
                ? throw new InvalidOperationException($"no carrier accepts {orderId}")
                : Task.FromResult($"tracking-{orderId}"));
            o.RegisterActivity<string, string>("RefundPayment", (_, payment) => Task.FromResult($"refunded-{payment}"));
            o.RegisterActivity<string, string>("ReleaseInventory", (_, reservation) => Task.FromResult($"released-{reservation}"));
            configure?.Invoke(o);
        });

        var app = builder.Build();
        await app.StartAsync(Ct);
        return app;
    }

    private static async Task<WorkflowState> WaitForCompletionAsync(DaprWorkflowClient client, string instanceId)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(Patience);
        return await client.WaitForWorkflowCompletionAsync(instanceId, cancellationToken: timeout.Token);
    }

    private static async Task<WorkflowState> PollAsync(DaprWorkflowClient client, string instanceId, Func<WorkflowState, bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var state = await client.GetWorkflowStateAsync(instanceId, cancellationToken: Ct);
            if (condition(state) || DateTime.UtcNow > deadline)
            {
                return state;
            }

            await Task.Delay(20, Ct);
        }
    }
}

public sealed record ApprovalRequest(string OrderId, decimal Amount);

/// <summary>Tracks how many callers are inside at once and the highest count seen.</summary>
internal sealed class ConcurrencyGauge
{
    private int _current;
    private int _peak;

    public int Peak => Volatile.Read(ref _peak);

    public IDisposable Enter()
    {
        var now = Interlocked.Increment(ref _current);
        int peak;
        while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
        }

        return new Exit(this);
    }

    private sealed class Exit(ConcurrencyGauge gauge) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref gauge._current);
    }
}
