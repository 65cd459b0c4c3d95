using System.Text.Json;

namespace DaprPlatform.Workflow.Testing;

/// <summary>One activity execution seen by the <see cref="WorkflowTestHost"/>.</summary>
/// <param name="CallNumber">1-based count of executions of this activity name in the host (retries count).</param>
public sealed record ActivityCall(
    string InstanceId,
    string Name,
    string? SerializedInput,
    int CallNumber,
    string TaskExecutionId,
    DateTime ExecutedAt)
{
    internal JsonSerializerOptions JsonOptions { get; init; } = Replay.WorkflowSerializer.DefaultOptions;

    public T? ReadInputAs<T>() =>
        string.IsNullOrEmpty(SerializedInput) ? default : JsonSerializer.Deserialize<T>(SerializedInput, JsonOptions);
}
