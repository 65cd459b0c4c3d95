namespace DaprPlatform.Conformance.Tests.Workflows;

// The WorkflowApp's inputs and outputs as the tests send and read them (JSON, web casing).
public sealed record SagaInput(string OrderId, IReadOnlyList<string> Steps, string? FailAt = null, int StepDelayMs = 0);

public sealed record SagaOutput(string Status, IReadOnlyList<string> Completed, IReadOnlyList<string> Compensated, string? Error);

public sealed record TimerInput(int DelayMs);

public sealed record ApprovalInput(string Request, int? TimeoutMs = null);

public sealed record FanOutInput(int Width);

public sealed record RetryInput(int FailingAttempts);

public sealed record CounterInput(int Count, int Until);

public static class WorkflowAppNames
{
    public const string OrderSaga = "OrderSaga";
    public const string Timer = "TimerWorkflow";
    public const string Approval = "ApprovalWorkflow";
    public const string ApprovalEvent = "approval";
    public const string FanOut = "FanOutWorkflow";
    public const string Parent = "ParentWorkflow";
    public const string Retry = "RetryWorkflow";
    public const string Counter = "CounterWorkflow";

    public static readonly string[] SagaSteps = ["reserve-inventory", "charge-payment", "ship-order", "notify-customer"];
}
