namespace DaprPlatform.WorkflowApp;

/// <summary>An order saga: the steps in order, the step that fails (none by default) and how long each step takes.</summary>
public sealed record SagaInput(string OrderId, IReadOnlyList<string> Steps, string? FailAt = null, int StepDelayMs = 0);

public sealed record SagaOutput(string Status, IReadOnlyList<string> Completed, IReadOnlyList<string> Compensated, string? Error);

/// <summary>
/// One activity call: the step name, whether it must fail, how long it takes, and how many of its attempts fail
/// before one succeeds (counted in the journal, so retries across process restarts count too).
/// </summary>
public sealed record StepInput(string Step, bool Fail = false, int DelayMs = 0, int FailingAttempts = 0);

public sealed record TimerInput(int DelayMs);

/// <param name="TimeoutMs">How long to wait for the approval; forever when null.</param>
public sealed record ApprovalInput(string Request, int? TimeoutMs = null);

public sealed record FanOutInput(int Width);

/// <param name="FailingAttempts">Attempts of the step that fail; the retry policy allows three.</param>
public sealed record RetryInput(int FailingAttempts);

public sealed record CounterInput(int Count, int Until);
