using DaprPlatform.Analytics.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Analytics.Apis;

public sealed record CustomerSummary(string CustomerId, int OrdersCount, decimal TotalSpent);

public sealed record ProductSummary(string ProductId, int UnitsSold, decimal Revenue);

public sealed record OutcomeSummary(string Outcome, int Count);

/// <summary>The read models: per customer, per product, per outcome.</summary>
public static class AnalyticsApi
{
    public static RouteGroupBuilder MapAnalyticsApi(this IEndpointRouteBuilder app)
    {
        var analytics = app.MapGroup("/").WithTags("Analytics");
        analytics.MapGet("/customers/{customerId}", GetCustomerAsync);
        analytics.MapGet("/products/revenue", async Task<Ok<List<ProductSummary>>> (AnalyticsContext db, CancellationToken ct) =>
            TypedResults.Ok(await db.Products.AsNoTracking().OrderByDescending(p => p.Revenue).ThenBy(p => p.ProductId)
                .Select(p => new ProductSummary(p.ProductId, p.UnitsSold, p.Revenue)).ToListAsync(ct)));
        analytics.MapGet("/orders/outcomes", async Task<Ok<List<OutcomeSummary>>> (AnalyticsContext db, CancellationToken ct) =>
            TypedResults.Ok(await db.Outcomes.AsNoTracking().OrderBy(o => o.Outcome).Select(o => new OutcomeSummary(o.Outcome, o.Count)).ToListAsync(ct)));
        return analytics;
    }

    /// <summary>A customer with no confirmed order has zero of each, not a 404: the counters start at nothing.</summary>
    public static async Task<Ok<CustomerSummary>> GetCustomerAsync(string customerId, AnalyticsContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.Customers.AsNoTracking().Where(c => c.CustomerId == customerId)
            .Select(c => new CustomerSummary(c.CustomerId, c.OrdersCount, c.TotalSpent))
            .SingleOrDefaultAsync(ct) ?? new CustomerSummary(customerId, 0, 0m));
}
