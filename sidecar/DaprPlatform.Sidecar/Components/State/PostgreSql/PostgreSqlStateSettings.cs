using System.Text.RegularExpressions;
using Npgsql;

namespace DaprPlatform.Sidecar.Components.State.PostgreSql;

/// <summary>
/// The metadata both state.postgresql versions share (components-contrib common/component/postgresql and
/// common/authentication/postgresql): connection, <c>metadataTableName</c>, <c>timeout</c> (20s),
/// <c>cleanupInterval</c> (1h; 0 or negative disables it), <c>maxConns</c>, <c>connectionMaxIdleTime</c>.
/// </summary>
internal sealed partial record PostgreSqlStateSettings(
    string ConnectionString,
    string MetadataTableName,
    TimeSpan Timeout,
    TimeSpan? CleanupInterval,
    IReadOnlyList<string> IgnoredConnectionKeys)
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan DefaultCleanupInterval = TimeSpan.FromHours(1);

    public static PostgreSqlStateSettings Parse(ComponentMetadata metadata)
    {
        foreach (var unsupported in (string[])["useAzureAD", "useAWSIAM"])
        {
            if (metadata.GetBool(unsupported, false))
            {
                throw metadata.Invalid(unsupported, "is not supported by this sidecar");
            }
        }

        var builder = PostgreSqlConnectionString.Build(metadata, out var ignored);

        var timeoutField = metadata.GetString("timeout") is not null ? "timeout" : "timeoutInSeconds";
        var timeout = metadata.GetDuration(timeoutField, DefaultTimeout);
        if (timeout < TimeSpan.FromSeconds(1))
        {
            throw metadata.Invalid(timeoutField, "must be at least 1s");
        }

        // Npgsql's own command timeout enforces it server-side as well (whole seconds).
        builder.CommandTimeout = (int)Math.Ceiling(timeout.TotalSeconds);

        var maxConns = metadata.GetInt("maxConns", 0);
        if (maxConns > 0)
        {
            builder.MaxPoolSize = maxConns;
        }

        if (metadata.GetString("connectionMaxIdleTime") is not null)
        {
            var idle = metadata.GetDuration("connectionMaxIdleTime", TimeSpan.Zero);
            if (idle > TimeSpan.Zero)
            {
                builder.ConnectionIdleLifetime = Math.Max(1, (int)idle.TotalSeconds);
            }
        }

        var cleanupField = metadata.GetString("cleanupInterval") is not null ? "cleanupInterval" : "cleanupIntervalInSeconds";
        var cleanup = metadata.GetDuration(cleanupField, DefaultCleanupInterval);

        return new PostgreSqlStateSettings(
            builder.ConnectionString,
            TableName(metadata, "metadataTableName", "dapr_metadata"),
            timeout,
            cleanup > TimeSpan.Zero ? cleanup : null,
            ignored);
    }

    /// <summary>A table name from metadata ("table" or "schema.table"), <paramref name="fallback"/> when unset.</summary>
    public static string TableName(ComponentMetadata metadata, string field, string fallback) =>
        Identifier(metadata, field, metadata.GetString(field) ?? fallback);

    /// <summary>
    /// Checks a table name built from <paramref name="field"/>. daprd splices names into SQL unquoted; only plain
    /// identifiers are accepted here so that cannot turn into SQL injection.
    /// </summary>
    public static string Identifier(ComponentMetadata metadata, string field, string name) =>
        IdentifierPattern().IsMatch(name)
            ? name
            : throw metadata.Invalid(field, $"'{name}' is not a valid table name (letters, digits, _ and $, optionally schema-qualified)");

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$")]
    private static partial Regex IdentifierPattern();
}
