using System.Text.Json;
using DaprPlatform.Gateway.Infrastructure;

namespace DaprPlatform.Gateway.Services;

public sealed record PlatformHealth(DateTimeOffset CheckedAt, IReadOnlyList<AppHealth> Apps);

/// <param name="App">Healthy when the app's /readyz answered 2xx.</param>
/// <param name="Sidecar">Healthy when the app's sidecar answered for it (even with the app's 503).</param>
public sealed record AppHealth(string AppId, string App, string Sidecar, string? Detail);

/// <summary>
/// The readiness of every platform app and its sidecar, seen as the gateway sees them: each app's /readyz invoked
/// through the gateway's sidecar (Dapr service invocation), all at once, each with a short timeout so one hung app
/// does not hold the page. The gateway itself answers by running this; its sidecar is asked for /v1.0/healthz.
/// </summary>
public sealed class PlatformHealthService(HttpClient invocation, HttpClient sidecar, TimeProvider time)
{
    public const string GatewayAppId = "gateway";
    public const string Healthy = "Healthy";
    public const string Unhealthy = "Unhealthy";

    public static readonly IReadOnlyList<string> AppIds =
        [GatewayAppId, "identity", "catalog", "ordering", "payments", "notifications", "analytics", "webconsole"];

    // A report's detail is for a person to read; a long body says no more than its start.
    private const int MaxDetailLength = 500;

    public async Task<PlatformHealth> CheckAsync(CancellationToken ct)
    {
        var checkedAt = time.GetUtcNow();
        var apps = await Task.WhenAll(AppIds.Select(appId => appId == GatewayAppId ? CheckSelfAsync(ct) : CheckAsync(appId, ct)));
        return new PlatformHealth(checkedAt, apps);
    }

    private async Task<AppHealth> CheckAsync(string appId, CancellationToken ct)
    {
        try
        {
            using var response = await invocation.GetAsync($"http://{appId}/readyz", ct);
            var body = await response.Content.ReadAsStringAsync(ct);
            if (response.IsSuccessStatusCode)
            {
                return new AppHealth(appId, Healthy, Healthy, null);
            }

            // The gateway's sidecar speaks for a call it could not deliver (daprd's {"errorCode":"ERR_..."}); any
            // other answer came from the app, through its sidecar.
            return DaprError(body) is { } error
                ? new AppHealth(appId, Unhealthy, Unhealthy, Trim(error))
                : new AppHealth(appId, Unhealthy, Healthy, Trim(body.Length > 0 ? body : $"readyz answered {(int)response.StatusCode}"));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new AppHealth(appId, Unhealthy, Unhealthy, Trim(e is TaskCanceledException ? "no answer in time" : e.Message));
        }
    }

    private async Task<AppHealth> CheckSelfAsync(CancellationToken ct)
    {
        try
        {
            using var response = await sidecar.GetAsync("v1.0/healthz", ct);
            return response.IsSuccessStatusCode
                ? new AppHealth(GatewayAppId, Healthy, Healthy, null)
                : new AppHealth(GatewayAppId, Healthy, Unhealthy, $"the sidecar's healthz answered {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            return new AppHealth(GatewayAppId, Healthy, Unhealthy, Trim(e is TaskCanceledException ? "the sidecar did not answer in time" : e.Message));
        }
    }

    private static string? DaprError(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("errorCode", out var code)
                && code.ValueKind == JsonValueKind.String
                && code.GetString() is { } value
                && value.StartsWith("ERR_", StringComparison.Ordinal)
                    ? document.RootElement.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String
                        ? $"{value}: {message.GetString()}"
                        : value
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Trim(string detail) => detail.Length > MaxDetailLength ? detail[..MaxDetailLength] : detail;
}
