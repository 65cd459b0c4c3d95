using Npgsql;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.State;

/// <summary>Direct SQL against a test database, to look at (or plant) rows the way daprd would see them.</summary>
internal sealed class RawPostgres(string connectionString) : IAsyncDisposable
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> read, params object[] parameters)
    {
        await using var command = Command(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(Ct);
        var rows = new List<T>();
        while (await reader.ReadAsync(Ct))
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    public async Task ExecuteAsync(string sql, params object[] parameters)
    {
        await using var command = Command(sql, parameters);
        await command.ExecuteNonQueryAsync(Ct);
    }

    public async Task<long> CountAsync(string table, string key) =>
        (await QueryAsync($"SELECT count(*) FROM {table} WHERE key = $1", r => r.GetInt64(0), key))[0];

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private NpgsqlCommand Command(string sql, object[] parameters)
    {
        var command = _dataSource.CreateCommand(sql);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return command;
    }
}
