using System.Text.Json;
using DaprPlatform.Dapr.Client.Internal;

namespace DaprPlatform.Dapr.Client;

/// <summary>
/// One operation of <see cref="DaprClient.ExecuteStateTransactionAsync"/>. Build with <see cref="Upsert{TValue}"/> or
/// <see cref="Delete"/>; upsert values are serialized with the client's <see cref="DaprClientOptions.JsonSerializerOptions"/>.
/// </summary>
public sealed class StateTransactionRequest
{
    private readonly Action<Utf8JsonWriter, JsonSerializerOptions>? _writeValue;

    private StateTransactionRequest(
        string key,
        StateOperationType operationType,
        Action<Utf8JsonWriter, JsonSerializerOptions>? writeValue,
        string? etag,
        IReadOnlyDictionary<string, string>? metadata,
        StateOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        Key = key;
        OperationType = operationType;
        _writeValue = writeValue;
        ETag = etag;
        Metadata = metadata;
        Options = options;
    }

    public string Key { get; }

    public StateOperationType OperationType { get; }

    public string? ETag { get; }

    public IReadOnlyDictionary<string, string>? Metadata { get; }

    public StateOptions? Options { get; }

    public static StateTransactionRequest Upsert<TValue>(
        string key,
        TValue value,
        string? etag = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        StateOptions? options = null) =>
        new(key, StateOperationType.Upsert, (writer, json) => JsonSerializer.Serialize(writer, value, json), etag, metadata, options);

    public static StateTransactionRequest Delete(
        string key,
        string? etag = null,
        IReadOnlyDictionary<string, string>? metadata = null,
        StateOptions? options = null) =>
        new(key, StateOperationType.Delete, null, etag, metadata, options);

    internal void WriteTo(Utf8JsonWriter writer, JsonSerializerOptions json)
    {
        writer.WriteStartObject();
        writer.WriteString("operation", OperationType == StateOperationType.Upsert ? "upsert" : "delete");
        writer.WriteStartObject("request");
        writer.WriteString("key", Key);
        if (_writeValue is not null)
        {
            writer.WritePropertyName("value");
            _writeValue(writer, json);
        }

        if (ETag is not null)
        {
            writer.WriteString("etag", ETag);
        }

        JsonBody.WriteStringMap(writer, "metadata", Metadata);
        StateWireValues.WriteOptions(writer, Options);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }
}
