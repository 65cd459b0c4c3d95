using System.Text.Json;

namespace DaprPlatform.Dapr.Client;

/// <summary>daprd's spelling of the state option enums, shared by bodies (save/transaction) and query strings (get/delete).</summary>
internal static class StateWireValues
{
    public static string ToWire(this ConcurrencyMode mode) => mode switch
    {
        ConcurrencyMode.FirstWrite => "first-write",
        ConcurrencyMode.LastWrite => "last-write",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    public static string ToWire(this ConsistencyMode mode) => mode switch
    {
        ConsistencyMode.Eventual => "eventual",
        ConsistencyMode.Strong => "strong",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    public static void WriteOptions(Utf8JsonWriter writer, StateOptions? options)
    {
        if (options is null || (options.Concurrency is null && options.Consistency is null))
        {
            return;
        }

        writer.WriteStartObject("options");
        if (options.Concurrency is { } concurrency)
        {
            writer.WriteString("concurrency", concurrency.ToWire());
        }

        if (options.Consistency is { } consistency)
        {
            writer.WriteString("consistency", consistency.ToWire());
        }

        writer.WriteEndObject();
    }
}
