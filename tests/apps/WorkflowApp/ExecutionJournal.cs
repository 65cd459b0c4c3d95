namespace DaprPlatform.WorkflowApp;

/// <summary>
/// Appends one line per activity event ("start|instance|step", "end|instance|step") to a file shared with the test.
/// Each line is written and flushed on its own, so it survives a SIGKILL of this process right after.
/// </summary>
public sealed class ExecutionJournal(string path)
{
    public const string PathVariable = "WORKFLOW_APP_JOURNAL";

    private readonly Lock _gate = new();

    public static ExecutionJournal FromEnvironment() =>
        new(Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path
            ? path
            : throw new InvalidOperationException($"{PathVariable} must name the journal file."));

    /// <summary>How many times <paramref name="step"/> of <paramref name="instanceId"/> started so far.</summary>
    public int CountStarts(string instanceId, string step)
    {
        lock (_gate)
        {
            return File.Exists(path) ? File.ReadLines(path).Count(line => line == $"start|{instanceId}|{step}") : 0;
        }
    }

    public void Record(string kind, string instanceId, string step)
    {
        lock (_gate)
        {
            File.AppendAllText(path, $"{kind}|{instanceId}|{step}\n");
        }

        // The test waits for this line to pick its moment to kill a process.
        Console.WriteLine($"journal {kind}|{instanceId}|{step}");
    }
}
