using DaprPlatform.ServiceDefaults;
using DaprPlatform.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace DaprPlatform.Catalog.Tests;

/// <summary>
/// The schema without the app, as the deployments make it: the service's own dll run with --migrate-only (a migration
/// job or init container) given only its connection string, and replicas told not to migrate at start.
/// </summary>
public sealed class MigrationTests(InfraFixture infra)
{
    private static readonly TimeSpan MigrateOnlyTimeout = TimeSpan.FromSeconds(30);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Migrate_only_applies_the_migrations_and_exits_0_with_nothing_but_a_connection_string()
    {
        var connectionString = await infra.CreateDatabaseAsync("catalog_migrate_only", Ct);

        await using var process = ManagedProcess.Start(
            "dotnet",
            [Path.Combine(AppContext.BaseDirectory, "Catalog.dll"), DatabaseMigrations.MigrateOnlyArgument],
            new Dictionary<string, string?>
            {
                ["ConnectionStrings__catalogdb"] = connectionString,
                // Named but unreachable: the run must neither read the secret store nor wait for a sidecar.
                ["Dapr__SecretStore"] = "secretstore",
                ["DAPR_HTTP_ENDPOINT"] = "http://127.0.0.1:1",
                ["DAPR_GRPC_ENDPOINT"] = "http://127.0.0.1:1",
                ["APP_PORT"] = FreePort.Get().ToString(System.Globalization.CultureInfo.InvariantCulture),
            },
            AppContext.BaseDirectory);
        var exitCode = await process.WaitForExitAsync(MigrateOnlyTimeout, Ct);

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{process.Output}");
        Assert.Contains("products", await TablesAsync(connectionString));
        Assert.Contains("__EFMigrationsHistory", await TablesAsync(connectionString));
    }

    [Fact]
    public async Task An_app_told_not_to_migrate_on_startup_leaves_the_database_empty()
    {
        var connectionString = await infra.CreateDatabaseAsync("catalog_no_migrate", Ct);
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("ConnectionStrings:catalogdb", connectionString)
            .UseSetting(DatabaseMigrations.MigrateOnStartupKey, "false")
            .UseSetting("DAPR_HTTP_ENDPOINT", "http://127.0.0.1:1"));

        using var client = factory.CreateClient();
        using var live = await client.GetAsync(ServiceDefaultsExtensions.LivenessPath, Ct);

        Assert.True(live.IsSuccessStatusCode);
        Assert.Empty(await TablesAsync(connectionString));
    }

    private static async Task<List<string>> TablesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'", connection);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var tables = new List<string>();
        while (await reader.ReadAsync(Ct))
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }
}
