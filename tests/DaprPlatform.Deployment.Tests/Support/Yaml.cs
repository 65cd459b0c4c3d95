using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace DaprPlatform.Deployment.Tests.Support;

/// <summary>
/// YAML read the way the consuming tools read it: YAML 1.2 core-schema typing of plain scalars (what Docker Compose,
/// kubectl and daprd see), merge keys applied, every document of a stream.
/// </summary>
public static partial class Yaml
{
    public static List<JsonNode?> ReadAll(string path) => ParseAll(File.ReadAllText(path), Repo.Display(path));

    public static List<JsonNode?> ParseAll(string text, string where)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new Xunit.Sdk.XunitException($"{where}: invalid YAML at line {e.Start.Line}: {e.InnerException?.Message ?? e.Message}");
        }

        return stream.Documents
            .Where(d => d.RootNode is not YamlScalarNode { Value: null or "" })
            .Select(d => ToJson(d.RootNode))
            .ToList();
    }

    public static JsonNode? ReadSingle(string path)
    {
        var docs = ReadAll(path);
        Assert.True(docs.Count == 1, $"{Repo.Display(path)}: expected one YAML document, found {docs.Count}");
        return docs[0];
    }

    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlScalarNode scalar => Scalar(scalar),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlMappingNode mapping => Mapping(mapping),
        _ => throw new NotSupportedException(node.GetType().Name),
    };

    private static JsonObject Mapping(YamlMappingNode mapping)
    {
        var result = new JsonObject();
        var merged = new List<JsonObject>();
        foreach (var (key, value) in mapping.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? key.ToString();
            if (name == "<<" && key is YamlScalarNode { Style: ScalarStyle.Plain })
            {
                // A merge key: its mappings fill in what the mapping does not say itself, earlier ones first.
                var sources = value is YamlSequenceNode s ? s.Children : [value];
                merged.AddRange(sources.Select(ToJson).OfType<JsonObject>());
                continue;
            }

            result[name] = ToJson(value);
        }

        foreach (var source in merged)
        {
            foreach (var (name, value) in source)
            {
                if (!result.ContainsKey(name))
                {
                    result[name] = value?.DeepClone();
                }
            }
        }

        return result;
    }

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (tag is "tag:yaml.org,2002:str" or "!")
        {
            return JsonValue.Create(text);
        }

        if (scalar.Style != ScalarStyle.Plain && tag is null)
        {
            return JsonValue.Create(text);
        }

        if (NullPattern().IsMatch(text))
        {
            return null;
        }

        if (BoolPattern().IsMatch(text))
        {
            return JsonValue.Create(text.Equals("true", StringComparison.OrdinalIgnoreCase));
        }

        if (IntPattern().IsMatch(text))
        {
            return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)
                ? JsonValue.Create(l)
                : JsonValue.Create(decimal.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        if (OctalPattern().IsMatch(text))
        {
            return JsonValue.Create(Convert.ToInt64(text[2..], 8));
        }

        if (HexPattern().IsMatch(text))
        {
            return JsonValue.Create(Convert.ToInt64(text[2..], 16));
        }

        if (FloatPattern().IsMatch(text))
        {
            return JsonValue.Create(double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        // .inf and .nan have no JSON form; nothing we check uses them.
        return JsonValue.Create(text);
    }

    [GeneratedRegex("^(null|Null|NULL|~|)$")]
    private static partial Regex NullPattern();

    [GeneratedRegex("^(true|True|TRUE|false|False|FALSE)$")]
    private static partial Regex BoolPattern();

    [GeneratedRegex("^[-+]?[0-9]+$")]
    private static partial Regex IntPattern();

    [GeneratedRegex("^0o[0-7]+$")]
    private static partial Regex OctalPattern();

    [GeneratedRegex("^0x[0-9a-fA-F]+$")]
    private static partial Regex HexPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$")]
    private static partial Regex FloatPattern();
}

/// <summary>Small accessors for the JSON form of YAML documents.</summary>
public static class JsonNodeExtensions
{
    public static string? Str(this JsonNode? node, params string[] path)
    {
        var current = node;
        foreach (var part in path)
        {
            current = current is JsonObject o && o.TryGetPropertyValue(part, out var next) ? next : null;
        }

        return current is JsonValue v ? v.ToString() : null;
    }

    public static JsonNode? At(this JsonNode? node, params string[] path)
    {
        var current = node;
        foreach (var part in path)
        {
            current = current is JsonObject o && o.TryGetPropertyValue(part, out var next) ? next : null;
        }

        return current;
    }

    public static IEnumerable<JsonNode?> Items(this JsonNode? node) => node as JsonArray ?? [];

    public static IEnumerable<KeyValuePair<string, JsonNode?>> Props(this JsonNode? node) => node as JsonObject ?? [];

    public static IReadOnlyList<string> Strings(this JsonNode? node) =>
        node.Items().Select(i => i?.ToString() ?? "").ToList();
}
