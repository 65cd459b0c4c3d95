using System.Text.Json;

namespace DaprPlatform.Workflow.Testing.Replay;

/// <summary>Inputs, outputs, event payloads and custom status travel as JSON text (protocol StringValue).</summary>
internal sealed class WorkflowSerializer(JsonSerializerOptions options)
{
    /// <summary>What Dapr.Workflow's <c>JsonWorkflowSerializer</c> uses when the app configures nothing.</summary>
    public static readonly JsonSerializerOptions DefaultOptions = new(JsonSerializerDefaults.Web);

    public JsonSerializerOptions Options { get; } = options;

    public string? Serialize(object? value) =>
        value is null ? null : JsonSerializer.Serialize(value, value.GetType(), Options);

    public T? Deserialize<T>(string? json) =>
        string.IsNullOrEmpty(json) ? default : JsonSerializer.Deserialize<T>(json, Options);

    public object? Deserialize(string? json, Type type) =>
        string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize(json, type, Options);
}
