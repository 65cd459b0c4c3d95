using System.Globalization;
using System.Text.RegularExpressions;

namespace DaprPlatform.Testing;

/// <summary>Reads samples from a Prometheus text exposition (what /metrics serves).</summary>
public static class PrometheusText
{
    /// <summary>
    /// The sum of the samples named exactly <paramref name="name"/> whose labels include every one of
    /// <paramref name="labels"/> (the exporter adds labels of its own, such as otel_scope_name); 0 when there is none.
    /// </summary>
    public static double Sum(string exposition, string name, params (string Label, string Value)[] labels) =>
        exposition.Split('\n')
            .Select(line => Regex.Match(line, $@"^{Regex.Escape(name)}(?:\{{(?<labels>[^}}]*)\}})? (?<value>\S+)"))
            .Where(m => m.Success && labels.All(l => m.Groups["labels"].Value.Contains($"{l.Label}=\"{l.Value}\"", StringComparison.Ordinal)))
            .Sum(m => double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture));

    public static bool Has(string exposition, string name) =>
        exposition.Split('\n').Any(line => Regex.IsMatch(line, $@"^{Regex.Escape(name)}[{{ ]"));

    /// <summary>The name of every sample (comment lines skipped): a histogram shows as its _bucket, _sum and _count.</summary>
    public static IEnumerable<string> SampleNames(string exposition) =>
        exposition.Split('\n')
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => line.IndexOfAny(['{', ' ']) is var end and >= 0 ? line[..end] : line);
}
