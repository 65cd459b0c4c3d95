using Dapr.Workflow;

namespace DaprPlatform.WorkflowApp;

/// <summary>Runs the order saga as a child workflow with a known instance id and returns what the child returned.</summary>
public sealed class ParentWorkflow : Workflow<SagaInput, SagaOutput>
{
    public const string Name = "ParentWorkflow";

    public static string ChildInstanceId(string parentInstanceId) => $"{parentInstanceId}-child";

    public override Task<SagaOutput> RunAsync(WorkflowContext context, SagaInput input) =>
        context.CallChildWorkflowAsync<SagaOutput>(
            OrderSagaWorkflow.Name, input, new ChildWorkflowTaskOptions(ChildInstanceId(context.InstanceId)));
}
