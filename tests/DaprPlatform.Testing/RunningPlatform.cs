using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Xunit;

namespace DaprPlatform.Testing;

/// <summary>
/// The platform as users run it: `./dapr-dev up` on the repository's dapr.yaml (copied with free ports, so a
/// platform a developer has running is not disturbed), on the test run's servers, with the settings below that make
/// approvals and timeouts quick. A test assembly derives its assembly fixture from it (the end-to-end tests through
/// the gateway, the console's browser tests through the console).
/// </summary>
public class RunningPlatform : IAsyncLifetime
{
    public const string GatewayAppId = "gateway";
    public const string ConsoleAppId = "webconsole";

    public const decimal ApprovalThreshold = 400m;
    public static readonly TimeSpan ApprovalTimeout = TimeSpan.FromSeconds(8);

    // The first start builds every service (one after another, under the build lock).
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(8);

    // Assembly fixtures cannot take each other: the platform owns the servers it runs on.
    private readonly InfraFixture _infra = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("daprplatform-e2e-").FullName;
    private ManagedProcess? _cli;

    public Uri GatewayUrl { get; private set; } = null!;

    /// <summary>The web console's address (http://127.0.0.1:&lt;its port&gt;), which `up` prints as "console: …".</summary>
    public Uri ConsoleUrl { get; private set; } = null!;

    public string AdminEmail { get; private set; } = null!;

    public string AdminPassword { get; private set; } = null!;

    /// <summary>
    /// The platform's token signing key, to forge tokens that differ from real ones in one respect. One instance for
    /// the run: the token handler caches signature providers by key id, so a disposed key would be reused.
    /// </summary>
    public RSA SigningKey { get; } = RSA.Create();

    /// <summary>The HTTP port of each app's sidecar, by app id (from `dapr-dev list`).</summary>
    public IReadOnlyDictionary<string, int> SidecarHttpPorts { get; private set; } = null!;

    /// <summary>The port each app listens on, by app id (its /metrics, /healthz and /readyz are there).</summary>
    public IReadOnlyDictionary<string, int> AppPorts { get; private set; } = null!;

    /// <summary>The metrics port of each app's sidecar, by app id.</summary>
    public IReadOnlyDictionary<string, int> SidecarMetricsPorts { get; private set; } = null!;

    /// <summary>The services' databases, to check what the API cannot show (stock conservation, charges).</summary>
    public IReadOnlyDictionary<string, string> ConnectionStrings { get; private set; } = null!;

    /// <summary>What `./dapr-dev up` printed so far: every app's and sidecar's console output.</summary>
    public string Output => _cli?.Output ?? "";

    /// <summary>The secrets `up` generated for this platform (the admin account is in it).</summary>
    public string SecretsFile => Path.Combine(_directory, "secrets.json");

    public virtual async ValueTask InitializeAsync()
    {
        var (rewritten, ports) = PlatformRunFile.Rewrite(
            await File.ReadAllTextAsync(RepositoryRoot.Combine("dapr.yaml")), RepositoryRoot.Path, FreePort.Get, appLogsToFilesOnly: false);
        var (runFile, metricsPorts) = PlatformRunFile.WithMetricsPorts(rewritten, FreePort.Get);
        AppPorts = ports;
        SidecarMetricsPorts = metricsPorts;
        var runFilePath = Path.Combine(_directory, "dapr.yaml");
        await File.WriteAllTextAsync(runFilePath, runFile);
        GatewayUrl = LocalUrl(ports, GatewayAppId);
        ConsoleUrl = LocalUrl(ports, ConsoleAppId);

        _cli = ManagedProcess.Start("bash", [RepositoryRoot.Combine("dapr-dev"), "up", "-f", runFilePath], new Dictionary<string, string?>
        {
            ["DAPRPLATFORM_REDIS_HOST"] = _infra.RedisHost,
            ["DAPRPLATFORM_AMQP_URI"] = _infra.AmqpUri,
            ["DAPRPLATFORM_PG_CONNECTION"] = PostgresWithoutDatabase(_infra.PgConnectionString),
            ["DAPRPLATFORM_SECRETS_FILE"] = null,
            ["DAPR_DEV_DATA_DIR"] = _directory,
            ["DAPR_DEV_HOME"] = Path.Combine(_directory, "home"),
            ["Ordering__ApprovalThreshold"] = ApprovalThreshold.ToString(CultureInfo.InvariantCulture),
            ["Ordering__ApprovalTimeout"] = ApprovalTimeout.ToString(),
            ["Ordering__RecoveryGrace"] = "00:00:02",
            ["Payments__ProviderTimeout"] = "00:00:01",
            // The rate limits have tests of their own; here hundreds of requests come from one address (and every
            // console user's come from the console's sidecar).
            ["Gateway__RateLimit__PermitsPerWindow"] = "100000",
            ["Gateway__RateLimit__CredentialPermitsPerWindow"] = "100000",
        }, RepositoryRoot.Path);
        await _cli.WaitForOutputAsync(line => line.Contains("DaprPlatform is up", StringComparison.Ordinal), StartTimeout, TestContext.Current.CancellationToken);

        using var secrets = JsonDocument.Parse(await File.ReadAllTextAsync(SecretsFile));
        AdminEmail = secrets.RootElement.GetProperty("Identity").GetProperty("AdminEmail").GetString()!;
        AdminPassword = secrets.RootElement.GetProperty("Identity").GetProperty("AdminPassword").GetString()!;
        ConnectionStrings = secrets.RootElement.GetProperty("ConnectionStrings").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!);
        SigningKey.ImportFromPem(secrets.RootElement.GetProperty("Jwt").GetProperty("SigningKeyPem").GetString());
        SidecarHttpPorts = await ListSidecarsAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_cli is not null)
        {
            await _cli.StopAsync(TimeSpan.FromSeconds(30));
            await _cli.DisposeAsync();
        }

        await _infra.DisposeAsync();
        SigningKey.Dispose();
        GC.SuppressFinalize(this);

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Logs of a process still closing; the temp directory is cleaned by the OS.
        }
    }

    /// <summary>Publishes through a platform sidecar's publish API, as a service's DaprClient would.</summary>
    /// <exception cref="InvalidOperationException">The sidecar did not accept the event (anything but 204).</exception>
    public async Task PublishAsync(string topic, string json)
    {
        using var http = new HttpClient();
        var port = SidecarHttpPorts["ordering"].ToString(CultureInfo.InvariantCulture);
        using var response = await http.PostAsync(
            $"http://127.0.0.1:{port}/v1.0/publish/pubsub/{topic}", new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        if (response.StatusCode != HttpStatusCode.NoContent)
        {
            throw new InvalidOperationException(
                $"publishing to {topic} answered {(int)response.StatusCode}, expected 204: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }
    }

    /// <summary>The sidecars of this platform as `dapr-dev list -o json` shows them: HTTP port by app id.</summary>
    private async Task<Dictionary<string, int>> ListSidecarsAsync()
    {
        await using var list = ManagedProcess.Start("bash", [RepositoryRoot.Combine("dapr-dev"), "list", "-o", "json"],
            new Dictionary<string, string?> { ["DAPR_DEV_HOME"] = Path.Combine(_directory, "home") }, RepositoryRoot.Path);
        var exitCode = await list.WaitForExitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"dapr-dev list exited with {exitCode}:\n{list.Output}");
        }

        var output = list.Output;
        using var json = JsonDocument.Parse(output[output.IndexOf('[', StringComparison.Ordinal)..(output.LastIndexOf(']') + 1)]);
        return json.RootElement.EnumerateArray().ToDictionary(a => a.GetProperty("appId").GetString()!, a => a.GetProperty("httpPort").GetInt32());
    }

    private static Uri LocalUrl(IReadOnlyDictionary<string, int> ports, string appId) =>
        ports.TryGetValue(appId, out var port)
            ? new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}")
            : throw new InvalidOperationException($"dapr.yaml has no app '{appId}' with an appPort");

    /// <summary>The test run's databases are named after the services; they must not be another run's.</summary>
    private static string PostgresWithoutDatabase(string connectionString) =>
        string.Join(';', connectionString.Split(';').Where(part => !part.StartsWith("Database=", StringComparison.OrdinalIgnoreCase)));
}
