using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// A service's schema, from its EF Core migrations. By default the app migrates as it starts, which is all a single
/// `dapr run` needs. Where several replicas start at once (compose, Kubernetes) the same image runs once with
/// <see cref="MigrateOnlyArgument"/> as a job or an init container, and the replicas run with
/// <see cref="MigrateOnStartupKey"/> "false". That run needs only the connection string: no sidecar, no other secret.
/// </summary>
public static partial class DatabaseMigrations
{
    public const string MigrateOnlyArgument = "--migrate-only";
    public const string MigrateOnStartupKey = "Database:MigrateOnStartup";

    /// <summary>
    /// Whether this process was started to migrate and exit. Read from the process's own arguments because the
    /// command-line configuration provider drops a switch without a value, and it must be known before the host is
    /// built (the secret store, which needs a sidecar, is skipped in this mode).
    /// </summary>
    public static bool MigrateOnly { get; } = Environment.GetCommandLineArgs().Skip(1).Contains(MigrateOnlyArgument, StringComparer.Ordinal);

    /// <summary>
    /// Applies pending migrations unless <see cref="MigrateOnStartupKey"/> is "false".
    /// </summary>
    /// <returns>False after a <see cref="MigrateOnly"/> run: the schema is all it was for, so the app must not start.</returns>
    public static async Task<bool> MigrateDatabaseAsync<TContext>(this WebApplication app)
        where TContext : DbContext
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseMigrations).FullName!);
        if (!MigrateOnly && !app.Configuration.GetValue(MigrateOnStartupKey, defaultValue: true))
        {
            LogSkipped(logger, typeof(TContext).Name, MigrateOnStartupKey);
            return true;
        }

        await using (var scope = app.Services.CreateAsyncScope())
        {
            var database = scope.ServiceProvider.GetRequiredService<TContext>().Database;
            // Not GetPendingMigrationsAsync first: on a new database it logs the missing history table as an error.
            await database.MigrateAsync();
            LogMigrated(logger, typeof(TContext).Name, database.GetMigrations().LastOrDefault() ?? "none");
        }

        return !MigrateOnly;
    }

    [LoggerMessage(LogLevel.Information, "{Context}: migrated to {Migration}")]
    private static partial void LogMigrated(ILogger logger, string context, string migration);

    [LoggerMessage(LogLevel.Information, "{Context}: migrations not applied at start ({Key} is false); a migration job owns the schema")]
    private static partial void LogSkipped(ILogger logger, string context, string key);
}
