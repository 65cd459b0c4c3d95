using System.Net;
using DaprPlatform.Cli.Launch;
using DaprPlatform.Cli.Output;

namespace DaprPlatform.Cli.Platform;

/// <summary>
/// Prints a line as each app of the run starts answering its health endpoint (the services' /healthz), then, once
/// all of them do, what `up` is serving (the gateway, the web console) and what to try.
/// </summary>
internal sealed class ReadinessWatcher(Reporter reporter, IReadOnlyList<AppLaunchSpec> apps, string? secretsFile)
{
    public const string GatewayAppId = "gateway";
    public const string ConsoleAppId = "webconsole";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(500);

    public async Task WatchAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var waiting = apps.Where(app => app.AppPort is not null).ToList();
        while (waiting.Count > 0)
        {
            foreach (var app in waiting.ToList())
            {
                if (await IsHealthyAsync(http, app.AppPort!.Value, cancellationToken))
                {
                    reporter.Success($"{app.AppId} is ready on http://127.0.0.1:{app.AppPort}");
                    waiting.Remove(app);
                }
            }

            if (waiting.Count > 0)
            {
                await Task.Delay(PollInterval, cancellationToken);
            }
        }

        Announce();
    }

    /// <summary>What `up` serves once every app answers: the gateway's URL, the console's, the admin account.</summary>
    public void Announce()
    {
        var gateway = apps.FirstOrDefault(app => app.AppId == GatewayAppId && app.AppPort is not null);
        if (gateway is null)
        {
            reporter.Success("Every app is ready");
            return;
        }

        var url = $"http://127.0.0.1:{gateway.AppPort}";
        reporter.Success($"DaprPlatform is up: {url}");
        if (apps.FirstOrDefault(app => app.AppId == ConsoleAppId && app.AppPort is not null) is { } console)
        {
            reporter.Info($"console: http://127.0.0.1:{console.AppPort}");
        }

        if (secretsFile is not null)
        {
            reporter.Info($"Admin account: {PlatformSecrets.AdminEmail}, password in {secretsFile} (Identity:AdminPassword)");
        }

        reporter.Info($"Try: curl {url}/api/catalog/products   ·   ./dapr-dev demo   ·   requests in services/Gateway/Gateway.http   ·   Ctrl+C stops everything");
    }

    private static async Task<bool> IsHealthyAsync(HttpClient http, int port, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync($"http://127.0.0.1:{port}/healthz", cancellationToken);
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
