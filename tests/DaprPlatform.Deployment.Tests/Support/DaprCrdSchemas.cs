using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Json.Schema;

namespace DaprPlatform.Deployment.Tests.Support;

/// <summary>
/// Dapr's CustomResourceDefinitions (vendored in Schemas/dapr) as JSON Schemas, one per kind and apiVersion. The
/// API server prunes unknown fields of a structural schema instead of rejecting them; here an object that lists its
/// properties and does not keep unknown fields gets additionalProperties: false, so a misspelt field fails the test
/// rather than vanishing in the cluster.
/// </summary>
public static class DaprCrdSchemas
{
    private static readonly Lazy<IReadOnlyDictionary<(string ApiVersion, string Kind), JsonSchema>> Schemas = new(LoadAll);

    public static JsonSchema? For(string apiVersion, string kind) =>
        Schemas.Value.TryGetValue((apiVersion, kind), out var schema) ? schema : null;

    private static IReadOnlyDictionary<(string, string), JsonSchema> LoadAll()
    {
        var result = new Dictionary<(string, string), JsonSchema>();
        var dir = Repo.Path("tests", "DaprPlatform.Deployment.Tests", "Schemas", "dapr");
        foreach (var file in Directory.GetFiles(dir, "*.yaml"))
        {
            foreach (var crd in Yaml.ReadAll(file).OfType<JsonObject>().Where(d => d.Str("kind") == "CustomResourceDefinition"))
            {
                var group = crd.Str("spec", "group");
                var kind = crd.Str("spec", "names", "kind") ?? "";
                foreach (var version in crd.At("spec", "versions").Items())
                {
                    var schema = version.At("schema", "openAPIV3Schema")?.DeepClone() ?? new JsonObject();
                    Close(schema);
                    var apiVersion = $"{group}/{version.Str("name")}";
                    result[(apiVersion, kind)] = SchemaValidation.Build(schema, $"{apiVersion}/{kind}");
                }
            }
        }

        return result;
    }

    public static void Close(JsonNode? node)
    {
        if (node is not JsonObject schema)
        {
            return;
        }

        if (schema["nullable"]?.GetValue<bool>() == true && schema["type"] is JsonValue type)
        {
            schema["type"] = new JsonArray(type.GetValue<string>(), "null");
        }

        if (schema["x-kubernetes-int-or-string"]?.GetValue<bool>() == true)
        {
            schema.Remove("type");
            schema["type"] = new JsonArray("integer", "string");
        }

        var keepsUnknown = schema["x-kubernetes-preserve-unknown-fields"]?.GetValue<bool>() == true;
        if (schema["properties"] is JsonObject && !schema.ContainsKey("additionalProperties") && !keepsUnknown)
        {
            schema["additionalProperties"] = false;
        }

        // Kubernetes' extension keywords (and OpenAPI's nullable) are not JSON Schema: the evaluator refuses them.
        foreach (var keyword in schema.Select(p => p.Key).Where(k => k.StartsWith("x-", StringComparison.Ordinal) || k == "nullable").ToList())
        {
            schema.Remove(keyword);
        }

        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (_, property) in properties)
            {
                Close(property);
            }
        }

        Close(schema["items"]);
        Close(schema["additionalProperties"]);
        Close(schema["not"]);
        foreach (var keyword in new[] { "allOf", "anyOf", "oneOf" })
        {
            foreach (var alternative in schema[keyword].Items())
            {
                Close(alternative);
            }
        }
    }
}
