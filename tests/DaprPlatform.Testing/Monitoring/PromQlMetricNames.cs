using System.Text.RegularExpressions;

namespace DaprPlatform.Testing.Monitoring;

/// <summary>
/// The metric names a PromQL expression reads, as written (a histogram's <c>_bucket</c> stays <c>_bucket</c>): what
/// must appear on some /metrics page for the expression to ever return data. Strings, label matchers, grouping
/// lists, durations, numbers, functions and keywords are not metric names and are removed first.
/// </summary>
public static partial class PromQlMetricNames
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool",
        "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk", "topk", "quantile",
        "limitk", "limit_ratio", "inf", "nan", "atan2",
    };

    public static IReadOnlySet<string> Extract(string expression)
    {
        var text = StringPattern().Replace(expression, " ");
        text = CommentPattern().Replace(text, " ");
        text = MatcherPattern().Replace(text, " ");
        text = GroupingPattern().Replace(text, " ");
        text = RangePattern().Replace(text, " ");
        text = DurationPattern().Replace(text, " ");
        text = NumberPattern().Replace(text, " ");

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (Match match in IdentifierPattern().Matches(text))
        {
            var name = match.Groups["name"].Value;
            // A name followed by "(" is a function or an aggregation, never a series.
            if (match.Groups["call"].Success || Keywords.Contains(name) || Keywords.Contains(name.ToLowerInvariant()))
            {
                continue;
            }

            names.Add(name);
        }

        return names;
    }

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`")]
    private static partial Regex StringPattern();

    [GeneratedRegex("#[^\n]*")]
    private static partial Regex CommentPattern();

    [GeneratedRegex(@"\{[^{}]*\}")]
    private static partial Regex MatcherPattern();

    [GeneratedRegex(@"\b(by|without|on|ignoring|group_left|group_right)\s*\([^()]*\)")]
    private static partial Regex GroupingPattern();

    [GeneratedRegex(@"\[[^\[\]]*\]")]
    private static partial Regex RangePattern();

    [GeneratedRegex(@"(?<![A-Za-z_:0-9])([0-9]+(ms|s|m|h|d|w|y))+(?![A-Za-z_:0-9])")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"(?<![A-Za-z_:0-9])(0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?)(?![A-Za-z_:0-9])")]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"(?<![A-Za-z_:0-9.])(?<name>[A-Za-z_:][A-Za-z0-9_:]*)(?<call>\s*\()?")]
    private static partial Regex IdentifierPattern();
}
