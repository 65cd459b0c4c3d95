using System.Globalization;
using System.Text;
using Npgsql;

namespace DaprPlatform.Sidecar.Components.State.PostgreSql;

/// <summary>
/// Turns a Dapr PostgreSQL component's connection settings into an Npgsql connection string. daprd (pgx) takes a
/// libpq keyword/value string (<c>host=localhost user=postgres port=5432 database=dapr</c>) or a
/// <c>postgres://</c> URL; Npgsql's own <c>Host=..;Username=..</c> form is accepted too. The metadata fields
/// <c>host</c>, <c>hostaddr</c>, <c>port</c>, <c>database</c>, <c>user</c>, <c>password</c> and
/// <c>sslRootCert</c> override what the string says, as in components-contrib's PostgresAuthMetadata.
/// </summary>
internal static class PostgreSqlConnectionString
{
    // pgx settings that steer its own pool or protocol and have no Npgsql meaning (Npgsql manages those itself).
    private static readonly string[] PgxOnlyPrefixes = ["pool_", "statement_cache_", "description_cache_", "default_query_exec_mode", "min_read_buffer_size", "prefer_simple_protocol"];

    /// <param name="ignoredKeys">Keywords that were understood as pgx-only and dropped, for a warning.</param>
    public static NpgsqlConnectionStringBuilder Build(ComponentMetadata metadata, out IReadOnlyList<string> ignoredKeys)
    {
        var raw = metadata.GetString("connectionString") ?? metadata.GetString("url") ?? "";
        var isUrl = raw.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || raw.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase);
        var isNpgsqlForm = !isUrl && raw.Contains(';', StringComparison.Ordinal);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = isNpgsqlForm ? new NpgsqlConnectionStringBuilder(raw) : new NpgsqlConnectionStringBuilder();
        }
        catch (ArgumentException e)
        {
            throw metadata.Invalid("connectionString", e.Message);
        }

        var pairs = isNpgsqlForm ? new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            : isUrl ? ParseUrl(metadata, raw) : ParseKeywordValue(metadata, raw);
        foreach (var (field, keyword) in (ReadOnlySpan<(string, string)>)[("host", "host"), ("hostaddr", "hostaddr"), ("port", "port"), ("database", "database"), ("user", "user"), ("password", "password"), ("sslRootCert", "sslrootcert")])
        {
            if (metadata.GetString(field) is { } value)
            {
                pairs[keyword] = value;
            }
        }

        // libpq: hostaddr is the address actually dialled (host then only names the server for TLS).
        if (pairs.Remove("hostaddr", out var hostAddress))
        {
            pairs["host"] = hostAddress;
        }

        if (pairs.Count == 0 && !isNpgsqlForm)
        {
            throw metadata.Invalid("connectionString", "is required (or the host/database/user metadata)");
        }

        var ignored = new List<string>();
        foreach (var (key, value) in pairs)
        {
            try
            {
                Apply(builder, key, value, ignored);
            }
            catch (Exception e) when (e is ArgumentException or FormatException or InvalidCastException or OverflowException)
            {
                throw metadata.Invalid("connectionString", $"invalid value for '{key}': {e.Message}");
            }
        }

        builder.Host ??= "localhost";
        ignoredKeys = ignored;
        return builder;
    }

    private static void Apply(NpgsqlConnectionStringBuilder builder, string key, string value, List<string> ignored)
    {
        switch (key.ToLowerInvariant())
        {
            case "host":
                builder.Host = value;
                break;
            case "port":
                builder.Port = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                break;
            case "dbname" or "database":
                builder.Database = value;
                break;
            case "user" or "username":
                builder.Username = value;
                break;
            case "password":
                builder.Password = value;
                break;
            case "sslmode":
                builder.SslMode = value.ToLowerInvariant() switch
                {
                    "disable" => SslMode.Disable,
                    "allow" => SslMode.Allow,
                    "prefer" => SslMode.Prefer,
                    "require" => SslMode.Require,
                    "verify-ca" => SslMode.VerifyCA,
                    "verify-full" => SslMode.VerifyFull,
                    _ => throw new FormatException($"unknown sslmode '{value}'"),
                };
                break;
            case "sslrootcert":
                builder.RootCertificate = value;
                break;
            case "sslcert":
                builder.SslCertificate = value;
                break;
            case "sslkey":
                builder.SslKey = value;
                break;
            case "sslpassword":
                builder.SslPassword = value;
                break;
            case "connect_timeout":
                builder.Timeout = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                break;
            case "application_name":
                builder.ApplicationName = value;
                break;
            case "search_path":
                builder.SearchPath = value;
                break;
            case "timezone":
                builder.Timezone = value;
                break;
            case "options":
                builder.Options = value;
                break;
            case "target_session_attrs":
                builder.TargetSessionAttributes = value;
                break;
            case "pool_max_conns":
                builder.MaxPoolSize = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                break;
            case "pool_min_conns":
                builder.MinPoolSize = int.Parse(value, NumberStyles.None, CultureInfo.InvariantCulture);
                break;
            case var pgxOnly when PgxOnlyPrefixes.Any(p => pgxOnly.StartsWith(p, StringComparison.Ordinal)):
                ignored.Add(key);
                break;
            default:
                // Npgsql's own keywords (Pooling, Maximum Pool Size, Include Error Detail, ...).
                builder[key] = value;
                break;
        }
    }

    /// <summary>libpq's keyword/value form: space-separated key=value, values optionally in single quotes with \ escapes.</summary>
    private static Dictionary<string, string> ParseKeywordValue(ComponentMetadata metadata, string text)
    {
        var pairs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = 0;
        while (true)
        {
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i == text.Length)
            {
                return pairs;
            }

            var keyStart = i;
            while (i < text.Length && text[i] != '=' && !char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            var key = text[keyStart..i];
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            if (i == text.Length || text[i] != '=')
            {
                throw metadata.Invalid("connectionString", $"missing '=' after '{key}'");
            }

            i++;
            while (i < text.Length && char.IsWhiteSpace(text[i]))
            {
                i++;
            }

            var value = new StringBuilder();
            if (i < text.Length && text[i] == '\'')
            {
                i++;
                while (i < text.Length && text[i] != '\'')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    value.Append(text[i++]);
                }

                if (i == text.Length)
                {
                    throw metadata.Invalid("connectionString", $"unterminated quoted value for '{key}'");
                }

                i++;
            }
            else
            {
                while (i < text.Length && !char.IsWhiteSpace(text[i]))
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    value.Append(text[i++]);
                }
            }

            pairs[key] = value.ToString();
        }
    }

    /// <summary>postgres://user:password@host:port/database?sslmode=...&amp;...</summary>
    private static Dictionary<string, string> ParseUrl(ComponentMetadata metadata, string text)
    {
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            throw metadata.Invalid("connectionString", "is not a valid postgres:// URL");
        }

        var pairs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (uri.Host.Length > 0)
        {
            pairs["host"] = uri.Host.Trim('[', ']');
        }

        if (!uri.IsDefaultPort && uri.Port > 0)
        {
            pairs["port"] = uri.Port.ToString(CultureInfo.InvariantCulture);
        }

        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            pairs["user"] = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                pairs["password"] = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            pairs["database"] = database;
        }

        foreach (var part in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = part.Split('=', 2);
            pairs[Uri.UnescapeDataString(kv[0])] = kv.Length == 2 ? Uri.UnescapeDataString(kv[1].Replace('+', ' ')) : "";
        }

        return pairs;
    }
}
