using System.Globalization;
using System.Text.RegularExpressions;

namespace DaprPlatform.Testing;

/// <summary>
/// The repository's dapr.yaml as the end-to-end tests and the orders benchmark run it: every appPort replaced by a
/// free one (a platform a developer has running keeps its ports) and the relative paths made absolute, since the copy
/// lives elsewhere. With <c>appLogsToFilesOnly</c> the apps' logs go to their files only: echoed on dapr-dev's console
/// they would reach no one but the benchmark harness, which spent about 1.8 ms of CPU per order reading them
/// (docs/benchmarks.md).
/// </summary>
public static partial class PlatformRunFile
{
    /// <returns>The rewritten run file and the port given to each app id.</returns>
    public static (string RunFile, IReadOnlyDictionary<string, int> Ports) Rewrite(
        string runFile, string repositoryRoot, Func<int> freePort, bool appLogsToFilesOnly)
    {
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        string? app = null;
        var lines = runFile.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (AppIdLine().Match(lines[i]) is { Success: true } id)
            {
                app = id.Groups["app"].Value;
            }
            else if (AppPortLine().Match(lines[i]) is { Success: true } port && app is not null)
            {
                ports[app] = freePort();
                lines[i] = port.Groups["head"].Value + ports[app].ToString(CultureInfo.InvariantCulture);
            }
        }

        var rewritten = string.Join('\n', lines)
            .Replace("./services/", Path.Combine(repositoryRoot, "services") + "/", StringComparison.Ordinal)
            .Replace("[\"./components\"]", $"[\"{Path.Combine(repositoryRoot, "components")}\"]", StringComparison.Ordinal);
        if (appLogsToFilesOnly)
        {
            rewritten = rewritten.Replace("appLogDestination: fileAndConsole", "appLogDestination: file", StringComparison.Ordinal);
        }

        return (rewritten, ports);
    }

    /// <summary>
    /// Gives each app's sidecar a metrics port of its own (by default each takes a random one nobody can find), so
    /// a test can scrape the sidecars as Prometheus would.
    /// </summary>
    /// <returns>The run file with a <c>metricsPort</c> after each <c>appPort</c>, and the port given to each app id.</returns>
    public static (string RunFile, IReadOnlyDictionary<string, int> MetricsPorts) WithMetricsPorts(string runFile, Func<int> freePort)
    {
        var ports = new Dictionary<string, int>(StringComparer.Ordinal);
        string? app = null;
        var lines = new List<string>();
        foreach (var line in runFile.Split('\n'))
        {
            lines.Add(line);
            if (AppIdLine().Match(line) is { Success: true } id)
            {
                app = id.Groups["app"].Value;
            }
            else if (AppPortLine().Match(line) is { Success: true } port && app is not null)
            {
                ports[app] = freePort();
                var indent = port.Groups["head"].Value[..port.Groups["head"].Value.IndexOf('a', StringComparison.Ordinal)];
                lines.Add($"{indent}metricsPort: {ports[app].ToString(CultureInfo.InvariantCulture)}");
            }
        }

        return (string.Join('\n', lines), ports);
    }

    [GeneratedRegex(@"^\s*-\s*appID:\s*(?<app>\S+)\s*$")]
    private static partial Regex AppIdLine();

    [GeneratedRegex(@"^(?<head>\s+appPort:\s*)\d+\s*$")]
    private static partial Regex AppPortLine();
}
