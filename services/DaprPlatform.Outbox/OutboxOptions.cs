namespace DaprPlatform.Outbox;

/// <summary>The dispatcher's settings (configuration section "Outbox").</summary>
public sealed class OutboxOptions
{
    public string PubSubName { get; set; } = "pubsub";

    /// <summary>Rows claimed (and locked) per round.</summary>
    public int BatchSize { get; set; } = 50;

    /// <summary>How often the table is read when no commit signalled new rows (another instance's rows, retries).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(1);

    public TimeSpan RetainPublished { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The delay before attempt <paramref name="attempts"/> + 1: doubling from the first, capped.</summary>
    public TimeSpan RetryDelay(int attempts)
    {
        var doubled = FirstRetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempts - 1, 30));
        return TimeSpan.FromMilliseconds(Math.Min(doubled, MaxRetryDelay.TotalMilliseconds));
    }
}
