using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using StackExchange.Redis;

namespace DaprPlatform.Sidecar.Components.State.Redis;

/// <summary>
/// The state.redis component metadata (components-contrib common/component/redis/settings.go), mapped onto what
/// StackExchange.Redis offers. Pool tuning fields (poolSize, minIdleConns, ...) are accepted and have no
/// effect: one multiplexed connection replaces go-redis's pool.
/// </summary>
internal sealed record RedisStateSettings(
    ConfigurationOptions Options,
    int? DefaultTtlSeconds,
    TimeSpan? OperationTimeout)
{
    private const int DefaultPort = 6379;

    // go-redis defaults: dial 5 s, read 3 s.
    private static readonly TimeSpan DefaultDialTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan DefaultReadTimeout = TimeSpan.FromSeconds(3);

    public static RedisStateSettings Parse(ComponentMetadata metadata, string clientName)
    {
        var options = new ConfigurationOptions
        {
            AbortOnConnectFail = true,
            // The client refuses commands it classes as admin unless told otherwise; the store sends one of them, INFO
            // replication, as daprd does at init to count replicas for strong consistency (WAIT).
            AllowAdmin = true,
            ClientName = clientName,
            DefaultDatabase = metadata.GetInt("redisDB", 0),
            // go-redis sends AUTH <username> <password> (Redis 6 ACL users) when a username is set, else AUTH <password>.
            User = metadata.GetString("redisUsername") is { Length: > 0 } user ? user : null,
            Password = metadata.GetString("redisPassword"),
        };

        var port = metadata.GetInt("redisPort", 0);
        foreach (var host in metadata.GetRequiredString("redisHost").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            options.EndPoints.Add(ParseEndPoint(metadata, host, port));
        }

        var redisType = metadata.GetString("redisType") ?? "node";
        if (redisType is not ("node" or "cluster"))
        {
            throw metadata.Invalid("redisType", $"'{redisType}' is not 'node' or 'cluster'");
        }

        foreach (var unsupported in (string[])["failover", "useEntraID", "useAzureAD", "useOIDC"])
        {
            if (metadata.GetBool(unsupported, false))
            {
                throw metadata.Invalid(unsupported, "is not supported by this sidecar");
            }
        }

        ConfigureTls(metadata, options);


        var readTimeout = GetRedisDuration(metadata, "readTimeout");
        var writeTimeout = GetRedisDuration(metadata, "writeTimeout");
        TimeSpan? operationTimeout = (readTimeout, writeTimeout) switch
        {
            ({ } r, _) when r < TimeSpan.Zero => null,
            ({ } r, { } w) => r > w ? r : w,
            ({ } r, null) => r,
            (null, { } w) when w > DefaultReadTimeout => w,
            _ => DefaultReadTimeout,
        };

        // One connect attempt of SE.Redis (TCP, TLS, AUTH/HELLO, the handshake's commands) is bounded by ConnectTimeout,
        // after which the client makes another, up to ConnectRetry attempts. go-redis bounds the TCP dial by dialTimeout
        // and the commands on a new connection by the read timeout, then retries the command on a new connection; so an
        // attempt here gets the shorter of the two: a server that accepts and never answers costs 3 s, not 5, and the
        // next attempt still fits within daprd's 5 s init timeout.
        var dialTimeout = GetRedisDuration(metadata, "dialTimeout") ?? DefaultDialTimeout;
        var attemptTimeout = operationTimeout is { } o && o > TimeSpan.Zero && o < dialTimeout ? o : dialTimeout;
        options.ConnectTimeout = (int)Math.Min(int.MaxValue, attemptTimeout.TotalMilliseconds);
        options.ConnectRetry = 3;

        // While its connection is down the client would otherwise queue commands until it reconnects and hide an outage
        // from the caller. go-redis fails them (after its own few quick retries), so daprd's resiliency policies see the
        // failure and retry, count it and break circuits: fail fast, as 1.2.6 did.
        options.BacklogPolicy = BacklogPolicy.FailFast;

        // The client's own timeouts follow the operation timeout, so an abandoned command is also failed inside the
        // client; disabled (a negative readTimeout) means no bound, as in go-redis.
        var clientTimeout = operationTimeout is { } t ? (int)Math.Min(int.MaxValue, t.TotalMilliseconds) : int.MaxValue;
        options.SyncTimeout = clientTimeout;
        options.AsyncTimeout = clientTimeout;

        int? defaultTtl = metadata.GetString("ttlInSeconds") is null ? null : metadata.GetInt("ttlInSeconds", 0);
        return new RedisStateSettings(options, defaultTtl, operationTimeout);
    }

    /// <summary>A go-redis duration: a bare integer is milliseconds (negative = disabled), else Go syntax.</summary>
    private static TimeSpan? GetRedisDuration(ComponentMetadata metadata, string name) =>
        metadata.GetString(name) is null ? null : metadata.GetDuration(name, TimeSpan.Zero, TimeSpan.FromMilliseconds(1));

    private static EndPoint ParseEndPoint(ComponentMetadata metadata, string host, int port)
    {
        string name;
        int? explicitPort = null;
        if (host.StartsWith('['))
        {
            var close = host.IndexOf(']', StringComparison.Ordinal);
            name = close > 0 ? host[1..close] : throw metadata.Invalid("redisHost", $"'{host}' is not a valid address");
            if (close + 1 < host.Length)
            {
                explicitPort = ParsePort(metadata, host[(close + 1)..].TrimStart(':'));
            }
        }
        else if (host.LastIndexOf(':') is var colon and > 0 && host.IndexOf(':') == colon)
        {
            name = host[..colon];
            explicitPort = ParsePort(metadata, host[(colon + 1)..]);
        }
        else
        {
            name = host;
        }

        if (explicitPort is { } p && port != 0 && p != port)
        {
            throw metadata.Invalid("redisPort", $"redis host '{host}' already contains port {p}, but redisPort is set to {port}");
        }

        var resolvedPort = explicitPort ?? (port != 0 ? port : DefaultPort);
        return IPAddress.TryParse(name, out var address) ? new IPEndPoint(address, resolvedPort) : new DnsEndPoint(name, resolvedPort);
    }

    private static int ParsePort(ComponentMetadata metadata, string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw metadata.Invalid("redisHost", $"'{text}' is not a valid port");

    private static void ConfigureTls(ComponentMetadata metadata, ConfigurationOptions options)
    {
        if (!metadata.GetBool("enableTLS", false))
        {
            return;
        }

        options.Ssl = true;
        if (metadata.GetBool("insecureSkipTLSVerify", false))
        {
            options.CertificateValidation += static (_, _, _, _) => true;
        }
        else
        {
            options.CertificateValidation += static (_, _, _, errors) => errors == SslPolicyErrors.None;
        }

        var clientCert = metadata.GetString("clientCert");
        var clientKey = metadata.GetString("clientKey");
        if (clientCert is not null && clientKey is not null)
        {
            X509Certificate2 certificate;
            try
            {
                certificate = X509Certificate2.CreateFromPem(clientCert, clientKey);
            }
            catch (System.Security.Cryptography.CryptographicException e)
            {
                throw metadata.Invalid("clientCert", $"the client certificate/key pair is not valid PEM: {e.Message}");
            }

            options.CertificateSelection += (_, _, _, _, _) => certificate;
        }
    }
}
