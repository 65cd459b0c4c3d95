using System.Globalization;

namespace DaprPlatform.Sidecar.Runtime.Resiliency;

/// <summary>
/// A retry policy's <c>matching.httpStatusCodes</c> / <c>gRPCStatusCodes</c>: comma-separated codes and ranges
/// ("500-599,429"). An unset list matches every code, as in daprd (pkg/resiliency/retry.go).
/// </summary>
public sealed class StatusCodeRanges
{
    public static readonly (int Min, int Max) HttpCodes = (100, 599);
    public static readonly (int Min, int Max) GrpcCodes = (0, 16);

    private readonly (int Start, int End)[] _ranges;

    private StatusCodeRanges((int Start, int End)[] ranges) => _ranges = ranges;

    /// <summary>Null for an empty or missing pattern, which means "every code".</summary>
    /// <exception cref="FormatException">A code is not a number, outside <paramref name="valid"/>, or a range is reversed.</exception>
    public static StatusCodeRanges? Parse(string? patterns, (int Min, int Max) valid)
    {
        if (string.IsNullOrEmpty(patterns))
        {
            return null;
        }

        var ranges = new List<(int, int)>();
        foreach (var pattern in patterns.Split(','))
        {
            if (pattern.Length == 0)
            {
                continue;
            }

            var parts = pattern.Split('-');
            if (parts.Length > 2)
            {
                throw new FormatException($"invalid pattern {pattern}, more than one '-' exists");
            }

            var start = ParseCode(parts[0], pattern, "start", valid);
            var end = parts.Length == 2 ? ParseCode(parts[1], pattern, "end", valid) : start;
            if (end < start)
            {
                throw new FormatException($"invalid pattern {pattern}, start value should not bigger than end value");
            }

            ranges.Add((start, end));
        }

        return new StatusCodeRanges([.. ranges]);
    }

    public bool Contains(int code)
    {
        foreach (var (start, end) in _ranges)
        {
            if (code >= start && code <= end)
            {
                return true;
            }
        }

        return false;
    }

    private static int ParseCode(string text, string pattern, string which, (int Min, int Max) valid)
    {
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            throw new FormatException($"failed to parse {which} code {text} from pattern {pattern} to int");
        }

        return code >= valid.Min && code <= valid.Max
            ? code
            : throw new FormatException($"invalid pattern {pattern}, {which} code {code} is not valid");
    }
}
