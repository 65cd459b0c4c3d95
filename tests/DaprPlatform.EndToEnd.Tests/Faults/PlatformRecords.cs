using System.Text.Json;
using DaprPlatform.Testing;
using Npgsql;
using StackExchange.Redis;

namespace DaprPlatform.EndToEnd.Tests.Faults;

/// <summary>An order as the ordering database holds it; <see cref="Quantities"/> by product id.</summary>
internal sealed record OrderRecord(
    string Id, string CustomerId, string Status, decimal Total, string PaymentMethod, string? PaymentId, string? CancellationReason, IReadOnlyDictionary<int, int> Quantities);

/// <summary>One of an order's inventory reservations as the catalog database holds it.</summary>
internal sealed record ReservationRecord(string Id, string OrderId, string Status, IReadOnlyDictionary<int, int> Quantities);

/// <summary>
/// An order's charge in the payments ledger: the record under its idempotency key (the order id; null when none was
/// ever claimed) and every payment id whose index entry points at that key — one per charge the ledger recorded.
/// </summary>
internal sealed record LedgerEntry(string OrderId, string? Status, string? PaymentId, IReadOnlyList<string> IndexedPaymentIds);

/// <summary>
/// What the services wrote, read where they wrote it — the ordering and catalog databases and the payments ledger in
/// Redis — so invariants are checked on the facts, not on what the API chooses to show.
/// </summary>
internal sealed class PlatformRecords(IReadOnlyDictionary<string, string> connectionStrings, string redisHost)
{
    // state.redis keeps a key of app "payments" as the hash "payments||<key>"; PaymentLedger's keys are
    // "charge|<idempotency key>" (the record) and "payment|<payment id>" (the index to the key).
    private const string ChargeKeyPrefix = "payments||charge|";
    private const string PaymentIndexPrefix = "payments||payment|";

    public static PlatformRecords Of(PlatformFixture platform) => new(platform.ConnectionStrings, PlatformProcesses.RedisHost());

    public async Task<Dictionary<string, OrderRecord>> OrdersAsync(IReadOnlyCollection<string> orderIds)
    {
        var quantities = new Dictionary<string, Dictionary<int, int>>(StringComparer.Ordinal);
        await using var connection = await OpenAsync("orderingdb");
        await using (var items = new NpgsqlCommand("SELECT \"OrderId\", \"ProductId\", \"Quantity\" FROM order_items WHERE \"OrderId\" = ANY(@ids)", connection))
        {
            items.Parameters.AddWithValue("ids", orderIds.ToArray());
            await using var reader = await items.ExecuteReaderAsync(Token);
            while (await reader.ReadAsync(Token))
            {
                Add(quantities, reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2));
            }
        }

        var orders = new Dictionary<string, OrderRecord>(StringComparer.Ordinal);
        await using var command = new NpgsqlCommand(
            "SELECT \"Id\", \"CustomerId\", \"Status\", \"Total\", \"PaymentMethod\", \"PaymentId\", \"CancellationReason\" FROM orders WHERE \"Id\" = ANY(@ids)",
            connection);
        command.Parameters.AddWithValue("ids", orderIds.ToArray());
        await using (var reader = await command.ExecuteReaderAsync(Token))
        {
            while (await reader.ReadAsync(Token))
            {
                var id = reader.GetString(0);
                orders[id] = new OrderRecord(
                    id, reader.GetString(1), reader.GetString(2), reader.GetDecimal(3), reader.GetString(4),
                    reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                    quantities.GetValueOrDefault(id) ?? []);
            }
        }

        return orders;
    }

    /// <summary>How many orders the customers have in all: each request retried with its key must still be one order.</summary>
    public async Task<long> OrderCountAsync(IReadOnlyCollection<string> customerIds)
    {
        await using var connection = await OpenAsync("orderingdb");
        await using var command = new NpgsqlCommand("SELECT count(*) FROM orders WHERE \"CustomerId\" = ANY(@customers)", connection);
        command.Parameters.AddWithValue("customers", customerIds.ToArray());
        return (long)(await command.ExecuteScalarAsync(Token))!;
    }

    public async Task<Dictionary<int, int>> StockAsync(IEnumerable<int> productIds)
    {
        await using var connection = await OpenAsync("catalogdb");
        await using var command = new NpgsqlCommand("SELECT \"Id\", \"AvailableStock\" FROM products WHERE \"Id\" = ANY(@ids)", connection);
        command.Parameters.AddWithValue("ids", productIds.ToArray());
        var stock = new Dictionary<int, int>();
        await using var reader = await command.ExecuteReaderAsync(Token);
        while (await reader.ReadAsync(Token))
        {
            stock[reader.GetInt32(0)] = reader.GetInt32(1);
        }

        return stock;
    }

    public async Task SetStockAsync(int productId, int stock)
    {
        await using var connection = await OpenAsync("catalogdb");
        await using var command = new NpgsqlCommand("UPDATE products SET \"AvailableStock\" = @stock WHERE \"Id\" = @id", connection);
        command.Parameters.AddWithValue("stock", stock);
        command.Parameters.AddWithValue("id", productId);
        Assert.Equal(1, await command.ExecuteNonQueryAsync(Token));
    }

    /// <summary>Every reservation made for the orders, with its lines, by order id.</summary>
    public async Task<Dictionary<string, List<ReservationRecord>>> ReservationsAsync(IReadOnlyCollection<string> orderIds)
    {
        await using var connection = await OpenAsync("catalogdb");
        await using var command = new NpgsqlCommand(
            """
            SELECT r."Id", r."OrderId", r."Status", l."ProductId", l."Quantity"
            FROM reservations r LEFT JOIN reservation_lines l ON l."ReservationId" = r."Id"
            WHERE r."OrderId" = ANY(@ids)
            """,
            connection);
        command.Parameters.AddWithValue("ids", orderIds.ToArray());
        var lines = new Dictionary<string, Dictionary<int, int>>(StringComparer.Ordinal);
        var reservations = new Dictionary<string, (string OrderId, string Status)>(StringComparer.Ordinal);
        await using (var reader = await command.ExecuteReaderAsync(Token))
        {
            while (await reader.ReadAsync(Token))
            {
                var id = reader.GetString(0);
                reservations[id] = (reader.GetString(1), reader.GetString(2));
                if (!reader.IsDBNull(3))
                {
                    Add(lines, id, reader.GetInt32(3), reader.GetInt32(4));
                }
            }
        }

        return reservations
            .Select(r => new ReservationRecord(r.Key, r.Value.OrderId, r.Value.Status, lines.GetValueOrDefault(r.Key) ?? []))
            .GroupBy(r => r.OrderId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
    }

    /// <summary>The ledger entry of each order (charges are keyed by order id), read from Redis.</summary>
    public async Task<Dictionary<string, LedgerEntry>> LedgerAsync(IReadOnlyCollection<string> orderIds)
    {
        var options = ConfigurationOptions.Parse(redisHost);
        options.SyncTimeout = 30_000;
        using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        var redis = connection.GetDatabase();
        var server = connection.GetServer(connection.GetEndPoints()[0]);

        // SCAN paged asynchronously (KeysAsync); StackExchange.Redis 1.2.6 could only page it synchronously, and a
        // blocking SCAN on the client's own reader thread timed out with its replies queued.
        var indexKeys = new List<string>();
        await foreach (var key in server.KeysAsync(pattern: PaymentIndexPrefix + "*", pageSize: 1000).WithCancellation(Token))
        {
            indexKeys.Add(key.ToString());
        }

        var indexed = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string key in indexKeys)
        {
            if ((string?)await redis.HashGetAsync(key, "data") is { } data && JsonSerializer.Deserialize<string>(data) is { } idempotencyKey)
            {
                if (!indexed.TryGetValue(idempotencyKey, out var paymentIds))
                {
                    indexed[idempotencyKey] = paymentIds = [];
                }

                paymentIds.Add(key[PaymentIndexPrefix.Length..]);
            }
        }

        var ledger = new Dictionary<string, LedgerEntry>(StringComparer.Ordinal);
        foreach (var orderId in orderIds)
        {
            string? status = null, paymentId = null;
            if ((string?)await redis.HashGetAsync(ChargeKeyPrefix + orderId, "data") is { } data)
            {
                using var record = JsonDocument.Parse(data);
                status = record.RootElement.GetProperty("status").GetString();
                paymentId = record.RootElement.GetProperty("paymentId").GetString();
            }

            ledger[orderId] = new LedgerEntry(orderId, status, paymentId, indexed.GetValueOrDefault(orderId) ?? []);
        }

        return ledger;
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private async Task<NpgsqlConnection> OpenAsync(string database)
    {
        var connection = new NpgsqlConnection(connectionStrings[database]);
        await connection.OpenAsync(Token);
        return connection;
    }

    private static void Add(Dictionary<string, Dictionary<int, int>> quantities, string id, int productId, int quantity)
    {
        if (!quantities.TryGetValue(id, out var byProduct))
        {
            quantities[id] = byProduct = [];
        }

        byProduct[productId] = byProduct.GetValueOrDefault(productId) + quantity;
    }
}
