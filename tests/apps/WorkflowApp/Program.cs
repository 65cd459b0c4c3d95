using Dapr.Workflow;
using DaprPlatform.WorkflowApp;

// A workflow worker app for the end-to-end tests: it connects to the sidecar named by DAPR_GRPC_PORT (or
// DAPR_GRPC_ENDPOINT) and records every activity execution in the file named by WORKFLOW_APP_JOURNAL, so a test
// can kill this process (or its sidecar) and count what ran again.
var builder = Host.CreateApplicationBuilder(args);
builder.Services.AddSingleton(ExecutionJournal.FromEnvironment());
builder.Services.AddDaprWorkflow(workflows =>
{
    workflows.RegisterWorkflow<OrderSagaWorkflow>(OrderSagaWorkflow.Name);
    workflows.RegisterWorkflow<TimerWorkflow>(TimerWorkflow.Name);
    workflows.RegisterWorkflow<ApprovalWorkflow>(ApprovalWorkflow.Name);
    workflows.RegisterWorkflow<FanOutWorkflow>(FanOutWorkflow.Name);
    workflows.RegisterWorkflow<ParentWorkflow>(ParentWorkflow.Name);
    workflows.RegisterWorkflow<RetryWorkflow>(RetryWorkflow.Name);
    workflows.RegisterWorkflow<CounterWorkflow>(CounterWorkflow.Name);
    workflows.RegisterActivity<RecordedStepActivity>(RecordedStepActivity.Name);
});

await builder.Build().RunAsync();
