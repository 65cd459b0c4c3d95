using System.Text.Json;

namespace DaprPlatform.Testing.Monitoring;

/// <summary>A PromQL expression of the shipped monitoring files and where it is (for failure messages).</summary>
public sealed record PromQlExpression(string File, string Where, string Expression);

/// <summary>Every PromQL expression in monitoring/: the alert rules' and the Grafana dashboard's.</summary>
public static class MonitoringFiles
{
    public const string Alerts = "monitoring/prometheus/alerts.yml";
    public const string Dashboard = "monitoring/grafana/dashboards/daprplatform.json";

    public static IReadOnlyList<PromQlExpression> All() => [.. AlertExpressions(), .. DashboardExpressions()];

    /// <summary>
    /// The <c>expr</c> of every rule. Read line by line (this project has no YAML parser): plain, quoted and block
    /// scalars, which is every form a rule file writes an expression in.
    /// </summary>
    public static IReadOnlyList<PromQlExpression> AlertExpressions()
    {
        var lines = System.IO.File.ReadAllLines(RepositoryRoot.Combine(Alerts));
        var result = new List<PromQlExpression>();
        string? rule = null;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var trimmed = line.TrimStart(' ', '-');
            if ((Value(trimmed, "alert") ?? Value(trimmed, "record")) is { } name)
            {
                rule = Unquote(name);
            }

            if (Value(trimmed, "expr") is not { } value)
            {
                continue;
            }

            string expression;
            if (value.StartsWith('|') || value.StartsWith('>'))
            {
                var indent = line.Length - line.TrimStart().Length;
                var block = new List<string>();
                while (i + 1 < lines.Length && (lines[i + 1].Trim().Length == 0 || lines[i + 1].Length - lines[i + 1].TrimStart().Length > indent))
                {
                    block.Add(lines[++i].Trim());
                }

                expression = string.Join("\n", block).Trim();
            }
            else
            {
                expression = Unquote(value);
            }

            result.Add(new PromQlExpression(Alerts, $"line {i + 1}{(rule is null ? "" : $" ({rule})")}", expression));
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

    private static string? Value(string line, string key) =>
        line.StartsWith(key + ":", StringComparison.Ordinal) ? line[(key.Length + 1)..].Trim() : null;

    private static string Unquote(string value)
    {
        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            return JsonSerializer.Deserialize<string>(value) ?? "";
        }

        if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'')
        {
            return value[1..^1].Replace("''", "'", StringComparison.Ordinal);
        }

        return value;
    }
}
