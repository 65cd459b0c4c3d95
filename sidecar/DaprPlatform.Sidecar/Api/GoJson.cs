using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace DaprPlatform.Sidecar.Api;

/// <summary>
/// Request bodies read as daprd reads them, with Go's encoding/json: text it cannot decode is replaced rather than
/// refused, only the first JSON value counts, and a value of the wrong type is refused with Go's own
/// UnmarshalTypeError text. System.Text.Json differs on each: it throws from <see cref="JsonElement.GetString"/> on
/// invalid UTF-8 or a lone surrogate escape, and from every typed getter on a wrong type, which would reach the
/// caller as an internal error.
/// </summary>
public static class GoJson
{
    private static readonly JsonReaderOptions FirstValueOnly = new() { AllowMultipleValues = true };

    private static ReadOnlySpan<byte> ReplacementUtf8 => "\uFFFD"u8;

    private static ReadOnlySpan<byte> ReplacementEscape => "\\ufffd"u8;

    /// <summary>
    /// Parses the first JSON value of a request body, as Go's json.Decoder does, after <see cref="Sanitize"/>.
    /// A body that is not JSON is <paramref name="error"/> with the parser's reason; an empty one is Go's "EOF".
    /// </summary>
    public static JsonDocument Parse(ReadOnlySpan<byte> body, Func<string, DaprError> error)
    {
        var json = Sanitize(body);
        if (json.TrimStart(" \t\r\n"u8).IsEmpty)
        {
            throw error("EOF").ToException();
        }

        try
        {
            var reader = new Utf8JsonReader(json, FirstValueOnly);
            return JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException e)
        {
            throw error(e.Message).ToException();
        }
    }

    /// <summary>
    /// Go's decoder turns each byte of invalid UTF-8 and each <c>\uXXXX</c> escape of an unpaired surrogate into
    /// U+FFFD; this rewrites the JSON text the same way, so every string in it can be read. Valid text (the usual
    /// case) is returned as it is, without a copy.
    /// </summary>
    public static ReadOnlySpan<byte> Sanitize(ReadOnlySpan<byte> json) => Rewrite(json) ?? json;

    /// <inheritdoc cref="Sanitize(ReadOnlySpan{byte})"/>
    public static ReadOnlyMemory<byte> Sanitize(ReadOnlyMemory<byte> json) => Rewrite(json.Span) ?? json;

    // The rewritten text, or null when there is nothing to replace.
    private static byte[]? Rewrite(ReadOnlySpan<byte> input)
    {
        // Only a \u escape can be an unpaired surrogate; \" and \\ (common in JSON held in strings) need no scan.
        if (input.IndexOf("\\u"u8) < 0 && Utf8.IsValid(input))
        {
            return null;
        }

        ArrayBufferWriter<byte>? output = null;
        var copied = 0;
        var i = 0;
        while (i < input.Length)
        {
            var b = input[i];
            if (b == '\\')
            {
                if (SurrogateEscape(input, i) is { } unit)
                {
                    // A high surrogate escape followed by a low one is a pair, and stays.
                    if (char.IsHighSurrogate(unit) && SurrogateEscape(input, i + 6) is { } next && char.IsLowSurrogate(next))
                    {
                        i += 12;
                        continue;
                    }

                    Replace(ref output, input, ref copied, i, 6, ReplacementEscape);
                    i += 6;
                    continue;
                }

                // Any other escape, \\ and \" included, is two bytes that need nothing.
                i += 2;
                continue;
            }

            if (b < 0x80)
            {
                i++;
                continue;
            }

            if (Rune.DecodeFromUtf8(input[i..], out _, out var length) == OperationStatus.Done)
            {
                i += length;
                continue;
            }

            // utf8.DecodeRune reports a width of one for any invalid sequence: one U+FFFD per byte.
            Replace(ref output, input, ref copied, i, 1, ReplacementUtf8);
            i++;
        }

        if (output is null)
        {
            return null;
        }

        output.Write(input[copied..]);
        return output.WrittenSpan.ToArray();
    }

    /// <summary>The code unit of a <c>\uXXXX</c> escape at <paramref name="at"/> when it is a surrogate.</summary>
    private static char? SurrogateEscape(ReadOnlySpan<byte> input, int at)
    {
        if (at + 6 > input.Length || input[at] != '\\' || input[at + 1] != 'u')
        {
            return null;
        }

        var unit = 0;
        foreach (var digit in input.Slice(at + 2, 4))
        {
            var value = HexValue(digit);
            if (value < 0)
            {
                return null;
            }

            unit = unit * 16 + value;
        }

        return char.IsSurrogate((char)unit) ? (char)unit : null;
    }

    private static int HexValue(byte digit) => digit switch
    {
        >= (byte)'0' and <= (byte)'9' => digit - '0',
        >= (byte)'a' and <= (byte)'f' => digit - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => digit - 'A' + 10,
        _ => -1,
    };

    private static void Replace(ref ArrayBufferWriter<byte>? output, ReadOnlySpan<byte> input, ref int copied, int at, int length, ReadOnlySpan<byte> replacement)
    {
        output ??= new ArrayBufferWriter<byte>(input.Length + 16);
        output.Write(input[copied..at]);
        output.Write(replacement);
        copied = at + length;
    }

    /// <summary>A JSON value where Go expects a string: null (or absent) leaves it unset.</summary>
    /// <summary>
    /// A struct field of a JSON object as encoding/json finds it: names match without regard to case, and when
    /// several keys match, the last one wins (so JavaScript's "entryID" fills daprd's "entryId").
    /// </summary>
    public static bool TryGetField(JsonElement obj, string name, out JsonElement value)
    {
        var found = false;
        value = default;
        foreach (var property in obj.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                value = property.Value;
                found = true;
            }
        }

        return found;
    }

    public static string? String(JsonElement value, GoField at) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        _ => throw at.TypeError(value, "string"),
    };

    /// <summary>A JSON value where Go expects an int: a number that is not an integer is refused with its text.</summary>
    public static int Int(JsonElement value, GoField at) => value.ValueKind switch
    {
        // Go's int is 64 bits wide; what fits it is accepted, and no caller needs more than an int32 holds.
        JsonValueKind.Number when value.TryGetInt64(out var number) => (int)Math.Clamp(number, int.MinValue, int.MaxValue),
        JsonValueKind.Number => throw at.TypeError("number " + value.GetRawText(), "int"),
        JsonValueKind.Null or JsonValueKind.Undefined => 0,
        _ => throw at.TypeError(value, "int"),
    };

    /// <summary>A JSON value where Go expects <c>map[string]string</c>; null leaves it unset.</summary>
    public static Dictionary<string, string>? StringMap(JsonElement value, GoField at)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Null or JsonValueKind.Undefined:
                return null;
            case JsonValueKind.Object:
                var map = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var property in value.EnumerateObject())
                {
                    // A null value stores the zero value, "", under its key.
                    map[property.Name] = String(property.Value, at) ?? "";
                }

                return map;
            default:
                throw at.TypeError(value, "map[string]string");
        }
    }

    /// <summary>Go's name for the kind of a JSON value in an UnmarshalTypeError.</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "bool",
        _ => "null",
    };
}

/// <summary>
/// Where a value sits in daprd's Go request type, for the text of Go's UnmarshalTypeError: the innermost struct
/// that holds it and the path of JSON field names from the root, or no struct at the top level.
/// </summary>
public readonly record struct GoField(string? Struct, string Path)
{
    /// <summary>The top-level value, decoded into a Go value of its own type.</summary>
    public static GoField Root { get; } = new(null, "");

    /// <summary>A field of <paramref name="goStruct"/>, the struct that this value decodes into.</summary>
    public GoField Field(string goStruct, string name) => new(goStruct, Path.Length == 0 ? name : Path + "." + name);

    public GoJsonTypeException TypeError(JsonElement value, string goType) => TypeError(GoJson.Describe(value), goType);

    public GoJsonTypeException TypeError(string value, string goType) => new(Struct is null
        ? $"json: cannot unmarshal {value} into Go value of type {goType}"
        : $"json: cannot unmarshal {value} into Go struct field {Struct}.{Path} of type {goType}");
}

/// <summary>A JSON value of another type than daprd's Go struct has for it; the message is Go's.</summary>
public sealed class GoJsonTypeException(string message) : Exception(message);
