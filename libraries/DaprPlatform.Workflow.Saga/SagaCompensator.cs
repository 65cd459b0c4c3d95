using Dapr.Workflow;

namespace DaprPlatform.Workflow.Saga;

/// <summary>
/// Collects compensations while a saga workflow makes progress and runs them when a later step fails. Register
/// the undo of a step right after that step succeeds; <see cref="CompensateAsync"/> then runs the undos in reverse
/// order, each with its own retry policy, and keeps going past a failed compensation so every other step is still
/// undone. Use it only inside a workflow: compensations are ordinary activities, recorded and replayed.
/// </summary>
public sealed class SagaCompensator
{
    private readonly List<Compensation> _compensations = [];

    /// <summary>Compensations registered and not yet run.</summary>
    public int Count => _compensations.Count;

    /// <summary>Registers activity <paramref name="activityName"/> with <paramref name="input"/> as the undo of the step that just succeeded.</summary>
    public void AddCompensation(string activityName, object? input = null, WorkflowRetryPolicy? retryPolicy = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(activityName);
        _compensations.Add(new Compensation(activityName, input, retryPolicy));
    }

    /// <summary>
    /// Runs the registered compensations in reverse order and sets the workflow's custom status to the outcome.
    /// Never throws for a failed compensation: failures are recorded in the result.
    /// </summary>
    public async Task<CompensationResult> CompensateAsync(WorkflowContext context, string reason)
    {
        ArgumentNullException.ThrowIfNull(context);
        var steps = new List<CompensationStepResult>(_compensations.Count);
        for (var i = _compensations.Count - 1; i >= 0; i--)
        {
            var compensation = _compensations[i];
            try
            {
                await context.CallActivityAsync(compensation.ActivityName, compensation.Input, new WorkflowTaskOptions(compensation.RetryPolicy));
                steps.Add(new CompensationStepResult(compensation.ActivityName, CompensationStepStatus.Succeeded));
            }
            catch (WorkflowTaskFailedException ex)
            {
                steps.Add(new CompensationStepResult(compensation.ActivityName, CompensationStepStatus.Failed, ex.FailureDetails.ToString()));
            }
        }

        _compensations.Clear();
        var outcome = steps.TrueForAll(s => s.Status == CompensationStepStatus.Succeeded)
            ? CompensationOutcome.Compensated
            : CompensationOutcome.CompensationFailed;
        context.SetCustomStatus(outcome);
        return new CompensationResult(outcome, reason, steps);
    }

    private sealed record Compensation(string ActivityName, object? Input, WorkflowRetryPolicy? RetryPolicy);
}
