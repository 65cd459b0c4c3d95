using System.Net;

namespace DaprPlatform.Dapr.Client;

/// <summary>Sidecar health over <c>/v1.0/healthz</c>.</summary>
public sealed partial class DaprClient
{
    /// <summary><c>true</c> when daprd reports itself fully ready (components and app channel): 204 on <c>/v1.0/healthz</c>.</summary>
    public Task<bool> CheckHealthAsync(CancellationToken cancellationToken = default) =>
        ProbeAsync("/v1.0/healthz", cancellationToken);

    /// <summary>
    /// <c>true</c> when the sidecar can serve outbound API calls (204 on <c>/v1.0/healthz/outbound</c>), even before the
    /// app itself is reachable. This is what an app should wait for at start-up.
    /// </summary>
    public Task<bool> CheckOutboundHealthAsync(CancellationToken cancellationToken = default) =>
        ProbeAsync("/v1.0/healthz/outbound", cancellationToken);

    /// <summary>Polls <c>/v1.0/healthz/outbound</c> until the sidecar answers 204; ends only by success or cancellation.</summary>
    public async Task WaitForSidecarAsync(CancellationToken cancellationToken = default)
    {
        while (!await CheckOutboundHealthAsync(cancellationToken).ConfigureAwait(false))
        {
            await Task.Delay(_sidecarPollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Like <see cref="WaitForSidecarAsync(CancellationToken)"/> but gives up with <see cref="TimeoutException"/> after <paramref name="timeout"/>.</summary>
    public async Task WaitForSidecarAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await WaitForSidecarAsync(timeoutSource.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The Dapr sidecar at {HttpEndpoint} did not report outbound health within {timeout}.");
        }
    }

    private async Task<bool> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            using var request = CreateRequest(HttpMethod.Get, path);
            using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.StatusCode == HttpStatusCode.NoContent;
        }
        catch (HttpRequestException)
        {
            // Connection refused while the sidecar is still starting counts as "not healthy yet".
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // An HttpClient timeout on a hung sidecar is also "not healthy yet", not the caller's cancellation.
            return false;
        }
    }
}
