using System.Text.Json;
using YamlDotNet.RepresentationModel;

namespace DaprPlatform.Testing.Monitoring;

/// <summary>A PromQL expression of the shipped monitoring files and where it is (for failure messages).</summary>
public sealed record PromQlExpression(string File, string Where, string Expression);

/// <summary>Every PromQL expression in monitoring/: the alert rules' and the Grafana dashboard's.</summary>
public static class MonitoringFiles
{
    public const string Alerts = "monitoring/prometheus/alerts.yml";
    public const string Dashboard = "monitoring/grafana/dashboards/daprplatform.json";

    public static IReadOnlyList<PromQlExpression> All() => [.. AlertExpressions(), .. DashboardExpressions()];

    /// <summary>The <c>expr</c> of every rule of every group, with the rule's name and line.</summary>
    public static IReadOnlyList<PromQlExpression> AlertExpressions()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(RepositoryRoot.Combine(Alerts)))
        {
            stream.Load(reader);
        }

        var result = new List<PromQlExpression>();
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        foreach (var group in ((YamlSequenceNode)root["groups"]).Children.Cast<YamlMappingNode>())
        {
            foreach (var rule in ((YamlSequenceNode)group["rules"]).Children.Cast<YamlMappingNode>())
            {
                var name = Scalar(rule, "alert") ?? Scalar(rule, "record");
                if (rule.Children.TryGetValue("expr", out var expr) && expr is YamlScalarNode { Value: { } expression })
                {
                    var where = $"line {expr.Start.Line}{(name is null ? "" : $" ({name})")}";
                    result.Add(new PromQlExpression(Alerts, where, expression.Trim()));
                }
            }
        }

        return result;
    }

    /// <summary>Every target <c>expr</c> of every panel (rows' nested panels included) and every templating query.</summary>
    public static IReadOnlyList<PromQlExpression> DashboardExpressions()
    {
        using var doc = JsonDocument.Parse(System.IO.File.ReadAllText(RepositoryRoot.Combine(Dashboard)));
        var result = new List<PromQlExpression>();
        Walk(doc.RootElement, "$", result);
        return result;
    }

    private static void Walk(JsonElement element, string path, List<PromQlExpression> result)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    var at = $"{path}.{property.Name}";
                    if (property.Name == "expr" && property.Value.ValueKind == JsonValueKind.String)
                    {
                        result.Add(new PromQlExpression(Dashboard, at, property.Value.GetString()!));
                    }
                    else if (property.Name == "query" && path.Contains(".templating", StringComparison.Ordinal))
                    {
                        var query = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()
                            : property.Value.TryGetProperty("query", out var q) && q.ValueKind == JsonValueKind.String ? q.GetString() : null;
                        if (query is { Length: > 0 })
                        {
                            result.Add(new PromQlExpression(Dashboard, at, TemplateQuery(query)));
                        }
                    }
                    else
                    {
                        Walk(property.Value, at, result);
                    }
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, $"{path}[{index++}]", result);
                }

                break;
        }
    }

    /// <summary>Grafana's Prometheus variable functions wrap a selector: label_values(metric, label) reads metric.</summary>
    private static string TemplateQuery(string query)
    {
        var q = query.Trim();
        if (q.StartsWith("label_values(", StringComparison.Ordinal))
        {
            var inner = q["label_values(".Length..^1];
            var lastComma = inner.LastIndexOf(',');
            return lastComma < 0 ? "" : inner[..lastComma];
        }

        if (q.StartsWith("query_result(", StringComparison.Ordinal))
        {
            return q["query_result(".Length..^1];
        }

        return q.StartsWith("label_names(", StringComparison.Ordinal) || q.StartsWith("metrics(", StringComparison.Ordinal) ? "" : q;
    }

    private static string? Scalar(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(key, out var value) && value is YamlScalarNode scalar ? scalar.Value : null;
}
