namespace DaprPlatform.WorkflowApp;

/// <summary>An order saga: the steps in order, the step that fails (none by default) and how long each step takes.</summary>
public sealed record SagaInput(string OrderId, IReadOnlyList<string> Steps, string? FailAt = null, int StepDelayMs = 0);

public sealed record SagaOutput(string Status, IReadOnlyList<string> Completed, IReadOnlyList<string> Compensated, string? Error);

/// <summary>One activity call: the step name, whether it must fail and how long it takes.</summary>
public sealed record StepInput(string Step, bool Fail = false, int DelayMs = 0);

public sealed record TimerInput(int DelayMs);

public sealed record ApprovalInput(string Request);
