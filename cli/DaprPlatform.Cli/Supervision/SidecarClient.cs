using System.Globalization;
using System.Net;
using System.Text.Json;

namespace DaprPlatform.Cli.Supervision;

/// <summary>The few sidecar HTTP calls the CLI makes: health probes and the metadata the Dapr CLI records (cliPID, appPID...).</summary>
internal sealed class SidecarClient(int httpPort, string? apiToken)
{
    // One pooled client for every probe of the process; short attempts so a hung sidecar never stalls the CLI.
    private static readonly HttpClient Http = new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(2),
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
    })
    {
        Timeout = TimeSpan.FromSeconds(5),
    };

    private readonly string _baseAddress = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{httpPort}/v1.0");

    /// <summary>GET /v1.0/healthz/outbound answered 204: components loaded, API listening (the app need not be up).</summary>
    public Task<bool> IsOutboundHealthyAsync(CancellationToken cancellationToken) => IsNoContentAsync("/healthz/outbound", cancellationToken);

    /// <summary>GET /v1.0/healthz answered 204: also the app channel is ready.</summary>
    public Task<bool> IsHealthyAsync(CancellationToken cancellationToken) => IsNoContentAsync("/healthz", cancellationToken);

    /// <summary>PUT /v1.0/metadata/{attribute}: shows up under "extended" in GET /v1.0/metadata.</summary>
    public async Task<bool> PutMetadataAsync(string attribute, string value, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Put, "/metadata/" + Uri.EscapeDataString(attribute));
        request.Content = new StringContent(value);
        try
        {
            using var response = await Http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>GET /v1.0/metadata, or null when the sidecar does not answer.</summary>
    public async Task<JsonDocument?> GetMetadataAsync(CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, "/metadata");
        try
        {
            using var response = await Http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            return await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    private async Task<bool> IsNoContentAsync(string path, CancellationToken cancellationToken)
    {
        using var request = Request(HttpMethod.Get, path);
        try
        {
            using var response = await Http.SendAsync(request, cancellationToken);
            return response.StatusCode == HttpStatusCode.NoContent;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, _baseAddress + path);
        if (apiToken is not null)
        {
            request.Headers.TryAddWithoutValidation("dapr-api-token", apiToken);
        }

        return request;
    }
}
