using System.Text.Json;

namespace DaprPlatform.Workflow.Testing;

/// <summary>An activity call a workflow scheduled: its name, JSON input, action id and the workflow time it was scheduled at.</summary>
public sealed record ScheduledActivity(string Name, string? SerializedInput, int TaskId, DateTime ScheduledAt)
{
    private static readonly JsonSerializerOptions WebOptions = new(JsonSerializerDefaults.Web);

    public T? ReadInputAs<T>(JsonSerializerOptions? options = null) =>
        string.IsNullOrEmpty(SerializedInput) ? default : JsonSerializer.Deserialize<T>(SerializedInput, options ?? WebOptions);
}
