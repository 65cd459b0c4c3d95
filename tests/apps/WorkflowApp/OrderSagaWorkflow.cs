using Dapr.Workflow;
using DaprPlatform.Workflow.Saga;

namespace DaprPlatform.WorkflowApp;

/// <summary>
/// Runs the steps in order; after each one registers its compensation ("undo-&lt;step&gt;"). When a step fails the
/// compensations run in reverse order and the saga ends "Compensated". Custom status tracks progress.
/// </summary>
public sealed class OrderSagaWorkflow : Workflow<SagaInput, SagaOutput>
{
    public const string Name = "OrderSaga";

    public override async Task<SagaOutput> RunAsync(WorkflowContext context, SagaInput input)
    {
        var saga = new SagaCompensator();
        var completed = new List<string>();
        foreach (var step in input.Steps)
        {
            context.SetCustomStatus($"running:{step}");
            try
            {
                await context.CallActivityAsync<string>(
                    RecordedStepActivity.Name, new StepInput(step, step == input.FailAt, input.StepDelayMs));
            }
            catch (WorkflowTaskFailedException ex)
            {
                var result = await saga.CompensateAsync(context, ex.FailureDetails.ErrorMessage);
                return new SagaOutput(
                    result.Outcome.ToString(),
                    completed,
                    // The compensator ran them in reverse order of registration, one per completed step.
                    [.. Enumerable.Reverse(completed).Zip(result.Steps)
                        .Where(pair => pair.Second.Status == CompensationStepStatus.Succeeded)
                        .Select(pair => $"undo-{pair.First}")],
                    ex.FailureDetails.ErrorMessage);
            }

            completed.Add(step);
            saga.AddCompensation(RecordedStepActivity.Name, new StepInput($"undo-{step}"));
        }

        context.SetCustomStatus("completed");
        return new SagaOutput("Completed", completed, [], null);
    }
}
