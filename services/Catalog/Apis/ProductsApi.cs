using DaprPlatform.Catalog.Infrastructure;
using DaprPlatform.Catalog.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Catalog.Apis;

public sealed record ProductItem(int Id, string Name, string Description, decimal Price, int Stock);

public sealed record ProductPage(int Page, int PageSize, long Total, IReadOnlyList<ProductItem> Items);

public static class ProductsApi
{
    public const int MaxPageSize = 100;

    public static RouteGroupBuilder MapProductsApi(this IEndpointRouteBuilder app)
    {
        var products = app.MapGroup("/products").WithTags("Products");
        products.MapGet("/", ListAsync);
        products.MapGet("/{id:int}", GetAsync);
        return products;
    }

    /// <summary>Products whose name or description contains <paramref name="search"/>, by name, one page at a time.</summary>
    public static async Task<Results<Ok<ProductPage>, ValidationProblem>> ListAsync(
        CatalogContext db, string? search, CancellationToken ct, [FromQuery] int page = 1, [FromQuery] int pageSize = 20)
    {
        if (page < 1 || pageSize is < 1 or > MaxPageSize)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["page"] = ["page is 1 or more"],
                ["pageSize"] = [$"pageSize is between 1 and {MaxPageSize}"],
            });
        }

        var query = db.Products.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(search))
        {
            var pattern = $"%{EscapeLike(search.Trim())}%";
            query = query.Where(p => EF.Functions.ILike(p.Name, pattern, "\\") || EF.Functions.ILike(p.Description, pattern, "\\"));
        }

        var total = await query.LongCountAsync(ct);
        var items = await query.OrderBy(p => p.Name).ThenBy(p => p.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(p => new ProductItem(p.Id, p.Name, p.Description, p.Price, p.AvailableStock))
            .ToListAsync(ct);
        return TypedResults.Ok(new ProductPage(page, pageSize, total, items));
    }

    public static async Task<Results<Ok<ProductItem>, ProblemHttpResult>> GetAsync(int id, CatalogContext db, CancellationToken ct) =>
        await db.Products.AsNoTracking().Where(p => p.Id == id)
            .Select(p => new ProductItem(p.Id, p.Name, p.Description, p.Price, p.AvailableStock))
            .SingleOrDefaultAsync(ct) is { } product
            ? TypedResults.Ok(product)
            : TypedResults.Problem(title: "No such product", statusCode: StatusCodes.Status404NotFound, detail: $"product {id}");

    // A search is text, not a pattern: its % and _ match themselves.
    private static string EscapeLike(string text) => text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_");
}
