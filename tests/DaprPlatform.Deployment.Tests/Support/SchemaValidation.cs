using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace DaprPlatform.Deployment.Tests.Support;

/// <summary>JSON Schema evaluation (JsonSchema.Net) with every error listed by instance location.</summary>
public static class SchemaValidation
{
    public static JsonSchema Build(JsonNode schema, string id) =>
        // A registry per schema: two schemas with the same $id (or none) must not collide in the global one.
        JsonSchema.Build(JsonSerializer.SerializeToElement(schema), new BuildOptions { SchemaRegistry = new SchemaRegistry() }, new Uri($"https://daprplatform.test/{id}"));

    public static IReadOnlyList<string> Errors(JsonSchema schema, JsonNode? instance)
    {
        var element = JsonSerializer.SerializeToElement(instance);
        var results = schema.Evaluate(element, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (results.IsValid)
        {
            return [];
        }

        var errors = (results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{(d.InstanceLocation.ToString() is { Length: > 0 } l ? l : "/")}: {e.Value} (schema {d.EvaluationPath})"))
            .Distinct()
            .ToList();
        return errors.Count > 0 ? errors : ["invalid (no details)"];
    }
}
