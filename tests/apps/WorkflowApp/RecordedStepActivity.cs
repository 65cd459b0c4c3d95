using Dapr.Workflow;

namespace DaprPlatform.WorkflowApp;

/// <summary>Every step of every workflow here: journals its start and end, takes its time, fails when told to.</summary>
public sealed class RecordedStepActivity(ExecutionJournal journal) : WorkflowActivity<StepInput, string>
{
    public const string Name = "RecordedStep";

    public override async Task<string> RunAsync(WorkflowActivityContext context, StepInput input)
    {
        var attempt = journal.CountStarts(context.InstanceId, input.Step) + 1;
        journal.Record("start", context.InstanceId, input.Step);
        if (input.DelayMs > 0)
        {
            await Task.Delay(input.DelayMs, context.CancellationToken);
        }

        if (input.Fail || attempt <= input.FailingAttempts)
        {
            journal.Record("fail", context.InstanceId, input.Step);
            throw new InvalidOperationException($"step {input.Step} failed (attempt {attempt})");
        }

        journal.Record("end", context.InstanceId, input.Step);
        return $"{input.Step}-done";
    }
}
