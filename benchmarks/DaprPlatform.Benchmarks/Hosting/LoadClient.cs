namespace DaprPlatform.Benchmarks.Hosting;

/// <summary>The load generator's HTTP client: keep-alive connections, at most one per concurrent worker, nothing else on the path.</summary>
public static class LoadClient
{
    public static HttpClient Create(Uri baseAddress, int connections) =>
        new(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
        })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>Reads the whole response body, checking the status and returning the body length.</summary>
    public static async Task<long> DrainAsync(HttpResponseMessage response, int expectedStatus, CancellationToken cancellationToken)
    {
        if ((int)response.StatusCode != expectedStatus)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"{(int)response.StatusCode} {body[..Math.Min(body.Length, 200)]}");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(4096);
        try
        {
            long total = 0;
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken)) > 0)
            {
                total += read;
            }

            return total;
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
