namespace DaprPlatform.Conformance.Tests.Workflows;

/// <summary>
/// The test's side of the WorkflowApp journal: one "kind|instance|step" line per activity start, end or failure,
/// appended by whichever app process runs the activity.
/// </summary>
public sealed class ExecutionJournalFile : IDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    public ExecutionJournalFile()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"workflow-journal-{Guid.NewGuid():N}.log");
        File.WriteAllText(Path, string.Empty);
    }

    public string Path { get; }

    public IReadOnlyList<JournalEntry> Entries(string instanceId) =>
        [.. File.ReadAllLines(Path)
            .Select(line => line.Split('|'))
            .Where(parts => parts.Length == 3 && parts[1] == instanceId)
            .Select(parts => new JournalEntry(parts[0], parts[2]))];

    /// <summary>How many times <paramref name="step"/> of the instance started.</summary>
    public int Starts(string instanceId, string step) => Entries(instanceId).Count(e => e is { Kind: "start" } && e.Step == step);

    /// <summary>The steps of the instance in the order they started.</summary>
    public IReadOnlyList<string> StartedSteps(string instanceId) =>
        [.. Entries(instanceId).Where(e => e.Kind == "start").Select(e => e.Step)];

    public async Task WaitForAsync(string instanceId, string kind, string step, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (!Entries(instanceId).Contains(new JournalEntry(kind, step)))
        {
            try
            {
                await Task.Delay(PollInterval, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(
                    $"No '{kind}' of step '{step}' for {instanceId} within {timeout.TotalSeconds} s; journal:\n{File.ReadAllText(Path)}");
            }
        }
    }

    public void Dispose() => File.Delete(Path);
}

public sealed record JournalEntry(string Kind, string Step);
