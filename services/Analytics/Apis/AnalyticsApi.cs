using System.Security.Claims;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Analytics.Apis;

public sealed record CustomerSummary(string CustomerId, int OrdersCount, decimal TotalSpent);

public sealed record ProductSummary(string ProductId, int UnitsSold, decimal Revenue);

public sealed record OutcomeSummary(string Outcome, int Count);

/// <summary>The read models: per customer (the customer themself, or an admin), per product and per outcome (admins).</summary>
public static class AnalyticsApi
{
    public static RouteGroupBuilder MapAnalyticsApi(this IEndpointRouteBuilder app)
    {
        var analytics = app.MapGroup("/").WithTags("Analytics").RequireAuthorization(AuthorizationPolicies.Customer);
        analytics.MapGet("/customers/{customerId}", GetCustomerAsync);
        var admin = analytics.MapGroup("/").RequireAuthorization(AuthorizationPolicies.Admin);
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
}
