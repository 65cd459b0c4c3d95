using System.Text.Json;

namespace DaprPlatform.Dapr.Workflow.Execution;

/// <summary>Inputs, outputs, event payloads and custom status travel as JSON text (protocol StringValue).</summary>
internal sealed class WorkflowSerializer(JsonSerializerOptions options)
{
    public JsonSerializerOptions Options { get; } = options;

    public string? Serialize(object? value) =>
        value is null ? null : JsonSerializer.Serialize(value, value.GetType(), Options);

    public T? Deserialize<T>(string? json) =>
        string.IsNullOrEmpty(json) ? default : JsonSerializer.Deserialize<T>(json, Options);

    public object? Deserialize(string? json, Type type) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize(json, type, Options);
}
