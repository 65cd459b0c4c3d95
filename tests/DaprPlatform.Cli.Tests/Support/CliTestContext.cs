using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace DaprPlatform.Cli.Tests.Support;

/// <summary>
/// What an integration test shares: a temp directory (working directory, HOME without ~/.dapr, DAPR_DEV_HOME) and
/// an HTTP client for sidecars and apps.
/// </summary>
internal sealed partial class CliTestContext : IDisposable
{
    public CliTestContext()
    {
        Temp = new TempDirectory();
        Home = Temp.Directory("home");
        DevHome = Temp.Directory("dev-home");
    }

    public TempDirectory Temp { get; }

    public string Home { get; }

    public string DevHome { get; }

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A unique app id: the run's processes can be found (and must be gone) by it.</summary>
    public static string UniqueAppId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    public CliProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var variables = new Dictionary<string, string?> { ["HOME"] = Home };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            variables[name] = value;
        }

        return CliProcess.Start(args, DevHome, workingDirectory ?? Temp.Path, variables);
    }

    /// <summary>The sidecar HTTP port from the CLI's "Starting Dapr with id X. HTTP Port: N." line.</summary>
    public static int HttpPortOf(string output, string appId)
    {
        var match = StartingLine().Matches(output).FirstOrDefault(m => m.Groups["id"].Value == appId)
            ?? throw new InvalidOperationException($"no start line for {appId} in:\n{output}");
        return int.Parse(match.Groups["http"].Value, CultureInfo.InvariantCulture);
    }

    public async Task<JsonElement> GetJsonAsync(string url)
    {
        using var response = await Http.GetAsync(url, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {url} answered {(int)response.StatusCode}: {body}");
        }

        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<JsonElement> PostJsonAsync<T>(string url, T body)
    {
        using var response = await Http.PostAsJsonAsync(url, body, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"POST {url} answered {(int)response.StatusCode}: {text}");
        }

        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public void Dispose()
    {
        Http.Dispose();
        Temp.Dispose();
    }

    [GeneratedRegex(@"Starting Dapr with id (?<id>\S+)\. HTTP Port: (?<http>\d+)\.")]
    private static partial Regex StartingLine();
}
