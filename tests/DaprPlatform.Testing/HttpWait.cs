using System.Net;

namespace DaprPlatform.Testing;

/// <summary>Polls an HTTP endpoint until it answers with the expected status code.</summary>
public static class HttpWait
{
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);

    // One pooled client for all polling; short connection lifetime so a restarted server is picked up.
    private static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        ConnectTimeout = AttemptTimeout,
        PooledConnectionLifetime = TimeSpan.FromSeconds(5),
        AllowAutoRedirect = false,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public static Task WaitForHttpAsync(string url, HttpStatusCode expectedStatus, TimeSpan timeout, CancellationToken cancellationToken = default) =>
        WaitForHttpAsync(url, expectedStatus, timeout, giveUp: null, diagnostics: null, cancellationToken);

    /// <param name="giveUp">Checked between attempts; a non-null reason (e.g. "the process exited") stops waiting at once.</param>
    /// <param name="diagnostics">Appended to the failure message, e.g. the server's recent output.</param>
    /// <param name="pollInterval">The pause between attempts; <see cref="DefaultPollInterval"/> when null.</param>
    public static async Task WaitForHttpAsync(
        string url,
        HttpStatusCode expectedStatus,
        TimeSpan timeout,
        Func<string?>? giveUp,
        Func<string>? diagnostics,
        CancellationToken cancellationToken = default,
        TimeSpan? pollInterval = null)
    {
        var deadline = DateTime.UtcNow + timeout;
        var lastObservation = "no attempt finished";
        while (true)
        {
            using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                attempt.CancelAfter(AttemptTimeout);
                try
                {
                    using var response = await Client.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
                    if (response.StatusCode == expectedStatus)
                    {
                        return;
                    }

                    lastObservation = $"last answer was {(int)response.StatusCode} {response.StatusCode}";
                }
                catch (HttpRequestException ex)
                {
                    lastObservation = $"last attempt failed: {ex.Message}";
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    lastObservation = $"last attempt timed out after {AttemptTimeout.TotalSeconds:0.#} s";
                }
            }

            var reason = giveUp?.Invoke();
            if (reason is null && DateTime.UtcNow >= deadline)
            {
                reason = $"no {(int)expectedStatus} within {timeout.TotalSeconds:0.#} s";
            }

            if (reason is not null)
            {
                var detail = diagnostics?.Invoke();
                throw new TimeoutException(
                    $"GET {url}: {reason}; {lastObservation}." + (string.IsNullOrEmpty(detail) ? "" : $"\n{detail}"));
            }

            await Task.Delay(pollInterval ?? DefaultPollInterval, cancellationToken);
        }
    }
}
