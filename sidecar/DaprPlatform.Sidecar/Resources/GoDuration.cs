using System.Globalization;

namespace DaprPlatform.Sidecar.Resources;

/// <summary>Go's time.ParseDuration format ("300ms", "1m30s", "2h"), which every Dapr resource uses for durations.</summary>
public static class GoDuration
{
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        var negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s == "0")
        {
            return true;
        }

        double totalTicks = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (start == i || !double.TryParse(s.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = i;
            while (i < s.Length && !char.IsAsciiDigit(s[i]) && s[i] != '.')
            {
                i++;
            }

            double ticksPerUnit = s[unitStart..i] switch
            {
                "ns" => 0.01,
                "us" or "µs" => 10,
                "ms" => TimeSpan.TicksPerMillisecond,
                "s" => TimeSpan.TicksPerSecond,
                "m" => TimeSpan.TicksPerMinute,
                "h" => TimeSpan.TicksPerHour,
                _ => double.NaN,
            };
            if (double.IsNaN(ticksPerUnit))
            {
                return false;
            }

            totalTicks += number * ticksPerUnit;
        }

        value = TimeSpan.FromTicks((long)(negative ? -totalTicks : totalTicks));
        return true;
    }
}
