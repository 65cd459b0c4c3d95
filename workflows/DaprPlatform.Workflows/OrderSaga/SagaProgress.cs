using System.Text.Json.Serialization;

namespace DaprPlatform.Workflows.OrderSaga;

[JsonConverter(typeof(JsonStringEnumConverter<SagaStepStatus>))]
public enum SagaStepStatus
{
    Running,
    Succeeded,
    Failed,
    Waiting,
    Compensated,
    CompensationFailed,
}

/// <summary>One step of the saga as the order's status shows it; times are the workflow's (replay-safe) clock.</summary>
public sealed record SagaStep(string Name, SagaStepStatus Status, DateTime StartedAt, DateTime? EndedAt, string? Detail);

/// <summary>
/// The saga's custom status: every step so far, in order, compensations included, and why it was cancelled. Kept as
/// a value the workflow rewrites after each step, so a client polling the instance sees it while the saga runs.
/// </summary>
public sealed record SagaProgress(IReadOnlyList<SagaStep> Steps, string? CancellationReason)
{
    public static SagaProgress Empty { get; } = new([], null);

    public SagaProgress Start(string step, DateTime at, SagaStepStatus status = SagaStepStatus.Running) =>
        this with { Steps = [.. Steps, new SagaStep(step, status, at, null, null)] };

    public SagaProgress End(string step, SagaStepStatus status, DateTime at, string? detail = null)
    {
        var index = Steps.ToList().FindLastIndex(s => s.Name == step);
        return index < 0
            ? this with { Steps = [.. Steps, new SagaStep(step, status, at, at, detail)] }
            : this with { Steps = [.. Steps.Select((s, i) => i == index ? s with { Status = status, EndedAt = at, Detail = detail } : s)] };
    }
}
