using System.Security.Cryptography;
using System.Text;
using DaprPlatform.Ordering.Apis;
using DaprPlatform.Ordering.Clients;
using DaprPlatform.Ordering.Infrastructure;
using DaprPlatform.Ordering.Model;
using DaprPlatform.Ordering.Saga;
using DaprPlatform.Ordering.Telemetry;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DaprPlatform.Ordering.Placement;

public enum PlacementOutcome
{
    Accepted,
    /// <summary>The same customer already placed this request under this key: its order is answered again.</summary>
    Replayed,
    /// <summary>The key was used for a different request.</summary>
    KeyReused,
    UnknownProducts,
}

public sealed record PlacementResult(PlacementOutcome Outcome, Order? Order, IReadOnlyList<int>? UnknownProducts = null);

/// <summary>
/// Accepts an order: prices it from the catalog, commits it (once per customer and Idempotency-Key, however many
/// requests race), then schedules its saga. The answer does not wait for the saga.
/// </summary>
public sealed class OrderPlacement(OrderingContext db, CatalogClient catalog, SagaStarter sagas, OrderingMetrics metrics, TimeProvider clock)
{
    public async Task<PlacementResult> PlaceAsync(string customerId, string idempotencyKey, PlaceOrderRequest request, CancellationToken ct)
    {
        var hash = RequestHash(request);
        if (await FindAsync(customerId, idempotencyKey, ct) is { } existing)
        {
            return Replay(existing, hash);
        }

        var products = await Task.WhenAll(request.Items!.Select(item => catalog.GetProductAsync(item.ProductId, ct)));
        var unknown = request.Items!.Where((_, i) => products[i] is null).Select(item => item.ProductId).ToList();
        if (unknown.Count > 0)
        {
            return new PlacementResult(PlacementOutcome.UnknownProducts, null, unknown);
        }

        var now = clock.GetUtcNow();
        var orderId = Guid.CreateVersion7(now).ToString();
        var items = request.Items!.Select((item, i) => new OrderItem
        {
            OrderId = orderId,
            ProductId = item.ProductId,
            ProductName = products[i]!.Name,
            Quantity = item.Quantity,
            UnitPrice = products[i]!.Price,
        }).ToList();
        var order = new Order
        {
            Id = orderId,
            CustomerId = customerId,
            IdempotencyKey = idempotencyKey,
            RequestHash = hash,
            PaymentMethod = request.PaymentMethod!,
            Status = OrderStatus.Pending,
            Items = items,
            Total = items.Sum(i => i.UnitPrice * i.Quantity),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Orders.Add(order);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another request with the same key committed first: answer with its order.
            db.ChangeTracker.Clear();
            return Replay((await FindAsync(customerId, idempotencyKey, ct))!, hash);
        }

        metrics.OrderPlaced();
        await sagas.TryStartAsync(order, checkExisting: false, ct);
        return new PlacementResult(PlacementOutcome.Accepted, order);
    }

    private Task<Order?> FindAsync(string customerId, string idempotencyKey, CancellationToken ct) =>
        db.Orders.AsNoTracking().SingleOrDefaultAsync(o => o.CustomerId == customerId && o.IdempotencyKey == idempotencyKey, ct);

    private static PlacementResult Replay(Order existing, string hash) =>
        new(existing.RequestHash == hash ? PlacementOutcome.Replayed : PlacementOutcome.KeyReused, existing);

    /// <summary>The request's meaning, independent of item order and JSON formatting.</summary>
    internal static string RequestHash(PlaceOrderRequest request)
    {
        // Length-prefixed, so no payment method can read as the start of the item list ("visa|1x1" and item 2 is not
        // "visa" and items 1 and 2).
        var canonical = new StringBuilder().Append(request.PaymentMethod!.Length).Append(':').Append(request.PaymentMethod);
        foreach (var item in request.Items!.OrderBy(i => i.ProductId))
        {
            canonical.Append('|').Append(item.ProductId).Append('x').Append(item.Quantity);
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical.ToString())));
    }
}
