using System.Security.Claims;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Analytics.Apis;

public sealed record CustomerSummary(string CustomerId, int OrdersCount, decimal TotalSpent);

public sealed record ProductSummary(string ProductId, int UnitsSold, decimal Revenue);

public sealed record OutcomeSummary(string Outcome, int Count);

public sealed record HourlyOutcomeSummary(DateTimeOffset Hour, int Confirmed, int Cancelled);

/// <summary>
/// The read models: per customer (the customer themself, or an admin), and for admins the top customers, per product,
/// per outcome and outcomes per hour.
/// </summary>
public static class AnalyticsApi
{
    public const int MaxTop = 100;
    public const int MaxHours = 168;

    public static RouteGroupBuilder MapAnalyticsApi(this IEndpointRouteBuilder app)
    {
        var analytics = app.MapGroup("/").WithTags("Analytics").RequireAuthorization(AuthorizationPolicies.Customer);
        analytics.MapGet("/customers/{customerId}", GetCustomerAsync);
        var admin = analytics.MapGroup("/").RequireAuthorization(AuthorizationPolicies.Admin);
        admin.MapGet("/customers", GetTopCustomersAsync);
        admin.MapGet("/orders/outcomes/hourly", GetHourlyOutcomesAsync);
        admin.MapGet("/products/revenue", async Task<Ok<List<ProductSummary>>> (AnalyticsContext db, CancellationToken ct) =>
            TypedResults.Ok(await db.Products.AsNoTracking().OrderByDescending(p => p.Revenue).ThenBy(p => p.ProductId)
                .Select(p => new ProductSummary(p.ProductId, p.UnitsSold, p.Revenue)).ToListAsync(ct)));
        admin.MapGet("/orders/outcomes", async Task<Ok<List<OutcomeSummary>>> (AnalyticsContext db, CancellationToken ct) =>
            TypedResults.Ok(await db.Outcomes.AsNoTracking().OrderBy(o => o.Outcome).Select(o => new OutcomeSummary(o.Outcome, o.Count)).ToListAsync(ct)));
        return analytics;
    }

    /// <summary>A customer with no confirmed order has zero of each, not a 404: the counters start at nothing.</summary>
    public static async Task<Results<Ok<CustomerSummary>, ForbidHttpResult>> GetCustomerAsync(
        string customerId, AnalyticsContext db, ClaimsPrincipal user, CancellationToken ct)
    {
        if (user.FindFirstValue("sub") != customerId && !user.IsInRole(PlatformRoles.Admin))
        {
            return TypedResults.Forbid();
        }

        return TypedResults.Ok(await db.Customers.AsNoTracking().Where(c => c.CustomerId == customerId)
            .Select(c => new CustomerSummary(c.CustomerId, c.OrdersCount, c.TotalSpent))
            .SingleOrDefaultAsync(ct) ?? new CustomerSummary(customerId, 0, 0m));
    }

    /// <summary>The customers with the most confirmed orders, the bigger spender first among equals.</summary>
    public static async Task<Results<Ok<List<CustomerSummary>>, ValidationProblem>> GetTopCustomersAsync(
        AnalyticsContext db, CancellationToken ct, [FromQuery] int top = 20)
    {
        if (top is < 1 or > MaxTop)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["top"] = [$"top is between 1 and {MaxTop}"] });
        }

        return TypedResults.Ok(await db.Customers.AsNoTracking()
            .OrderByDescending(c => c.OrdersCount).ThenByDescending(c => c.TotalSpent).ThenBy(c => c.CustomerId)
            .Take(top)
            .Select(c => new CustomerSummary(c.CustomerId, c.OrdersCount, c.TotalSpent))
            .ToListAsync(ct));
    }

    /// <summary>
    /// One row per whole UTC hour of the last <paramref name="hours"/>, the current hour last, hours without orders as
    /// zeros: a chart needs every hour, not only the busy ones.
    /// </summary>
    public static async Task<Results<Ok<List<HourlyOutcomeSummary>>, ValidationProblem>> GetHourlyOutcomesAsync(
        AnalyticsContext db, TimeProvider time, CancellationToken ct, [FromQuery] int hours = 24)
    {
        if (hours is < 1 or > MaxHours)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["hours"] = [$"hours is between 1 and {MaxHours}"] });
        }

        var now = time.GetUtcNow().UtcDateTime;
        var last = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        var first = last.AddHours(1 - hours);
        var counted = await db.HourlyOutcomes.AsNoTracking().Where(o => o.Hour >= first && o.Hour <= last).ToDictionaryAsync(o => o.Hour, ct);
        return TypedResults.Ok(Enumerable.Range(0, hours).Select(i => first.AddHours(i))
            .Select(hour => counted.TryGetValue(hour, out var row)
                ? new HourlyOutcomeSummary(hour, row.Confirmed, row.Cancelled)
                : new HourlyOutcomeSummary(hour, 0, 0))
            .ToList());
    }
}
