using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Catalog.Apis;

namespace DaprPlatform.Catalog.Tests;

public sealed class ProductsApiTests(CatalogApp catalog) : IClassFixture<CatalogApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_seeded_products_are_listed_by_name_one_page_at_a_time()
    {
        var first = await catalog.Client.GetFromJsonAsync<ProductPage>("/products?page=1&pageSize=3", Ct);
        var third = await catalog.Client.GetFromJsonAsync<ProductPage>("/products?page=3&pageSize=3", Ct);

        Assert.Equal(8, first!.Total);
        Assert.Equal(["Ceramic mug", "Coffee scale", "Espresso beans 1 kg"], first.Items.Select(p => p.Name));
        Assert.Equal(2, third!.Items.Count);
    }

    [Fact]
    public async Task Search_matches_name_or_description_without_regard_to_case_and_treats_wildcards_as_text()
    {
        var espresso = await catalog.Client.GetFromJsonAsync<ProductPage>("/products?search=ESPRESSO", Ct);
        var steel = await catalog.Client.GetFromJsonAsync<ProductPage>("/products?search=steel", Ct);
        var percent = await catalog.Client.GetFromJsonAsync<ProductPage>("/products?search=%25", Ct);

        Assert.Equal(["Espresso beans 1 kg", "Espresso machine"], espresso!.Items.Select(p => p.Name));
        Assert.Equal(["Hand grinder"], steel!.Items.Select(p => p.Name));
        Assert.Empty(percent!.Items);
    }

    [Fact]
    public async Task A_product_shows_its_stock_and_an_unknown_one_is_a_404_problem()
    {
        var grinder = await catalog.Client.GetFromJsonAsync<ProductItem>("/products/4", Ct);
        using var missing = await catalog.Client.GetAsync("/products/999", Ct);

        Assert.Equal(("Hand grinder", 79.00m), (grinder!.Name, grinder.Price));
        Assert.True(grinder.Stock >= 0);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/products?page=0")]
    [InlineData("/products?pageSize=1000")]
    [InlineData("/products?page=x")]
    public async Task Bad_paging_is_a_400_problem(string url)
    {
        using var response = await catalog.Client.GetAsync(url, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(400, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetInt32());
    }
}
