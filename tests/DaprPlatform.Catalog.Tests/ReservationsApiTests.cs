using System.Net;
using System.Net.Http.Json;
using DaprPlatform.Catalog.Apis;

namespace DaprPlatform.Catalog.Tests;

public sealed class ReservationsApiTests(CatalogApp catalog) : IClassFixture<CatalogApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Reserving_takes_the_stock_and_reserving_again_with_the_same_id_takes_nothing_more()
    {
        var before = await StockAsync(1);
        var request = new ReserveRequest($"res-{Guid.NewGuid():N}", "order-a", [new ReserveLine(1, 3)]);

        var first = await ReserveAsync(request);
        var again = await ReserveAsync(request);

        Assert.True(first.Reserved);
        Assert.True(again.Reserved);
        Assert.Equal(before - 3, await StockAsync(1));
    }

    [Fact]
    public async Task A_reservation_takes_every_line_or_none()
    {
        var (mugs, machines) = (await StockAsync(3), await StockAsync(5));

        var result = await ReserveAsync(new ReserveRequest($"res-{Guid.NewGuid():N}", "order-b", [new ReserveLine(3, 1), new ReserveLine(5, 10_000)]));

        Assert.False(result.Reserved);
        Assert.Equal("product 5: fewer than 10000 left", result.Reason);
        Assert.Equal((mugs, machines), (await StockAsync(3), await StockAsync(5)));
    }

    [Fact]
    public async Task Concurrent_orders_for_the_last_items_never_oversell()
    {
        var stock = await StockAsync(7);

        var results = await Task.WhenAll(Enumerable.Range(0, stock + 10).Select(i =>
            ReserveAsync(new ReserveRequest($"res-{Guid.NewGuid():N}", $"order-c{i}", [new ReserveLine(7, 1)]))));

        Assert.Equal(stock, results.Count(r => r.Reserved));
        Assert.Equal(0, await StockAsync(7));
    }

    [Fact]
    public async Task Release_returns_the_stock_once_and_a_released_reservation_cannot_be_committed()
    {
        var before = await StockAsync(2);
        var id = $"res-{Guid.NewGuid():N}";
        await ReserveAsync(new ReserveRequest(id, "order-d", [new ReserveLine(2, 4)]));

        using var release = await catalog.Client.PostAsync($"/reservations/{id}/release", null, Ct);
        using var releaseAgain = await catalog.Client.PostAsync($"/reservations/{id}/release", null, Ct);
        using var commit = await catalog.Client.PostAsync($"/reservations/{id}/commit", null, Ct);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.Conflict), (release.StatusCode, releaseAgain.StatusCode, commit.StatusCode));
        Assert.Equal(before, await StockAsync(2));
    }

    [Fact]
    public async Task Commit_keeps_the_stock_sold_and_an_unknown_reservation_is_404()
    {
        var before = await StockAsync(8);
        var id = $"res-{Guid.NewGuid():N}";
        await ReserveAsync(new ReserveRequest(id, "order-e", [new ReserveLine(8, 2)]));

        using var commit = await catalog.Client.PostAsync($"/reservations/{id}/commit", null, Ct);
        using var unknown = await catalog.Client.PostAsync("/reservations/nobody/release", null, Ct);

        Assert.Equal(HttpStatusCode.OK, commit.StatusCode);
        Assert.Equal(before - 2, await StockAsync(8));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData("""{"reservationId":"","orderId":"o","lines":[{"productId":1,"quantity":1}]}""")]
    [InlineData("""{"reservationId":"r","orderId":"o","lines":[]}""")]
    [InlineData("""{"reservationId":"r","orderId":"o","lines":[{"productId":1,"quantity":0}]}""")]
    [InlineData("""{"reservationId":"r","orderId":"o","lines":[{"productId":1,"quantity":1},{"productId":1,"quantity":2}]}""")]
    [InlineData("""{"reservationId":"r","orderId":"o","lines":[{"productId":"x","quantity":1}]}""")]
    [InlineData("""not json""")]
    public async Task Bad_reservations_are_400_problems_and_change_no_stock(string body)
    {
        var before = await StockAsync(1);

        using var response = await catalog.Client.PostAsync("/reservations", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(before, await StockAsync(1));
    }

    private async Task<ReservationResponse> ReserveAsync(ReserveRequest request)
    {
        using var response = await catalog.Client.PostAsJsonAsync("/reservations", request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ReservationResponse>(Ct))!;
    }

    private async Task<int> StockAsync(int productId) =>
        (await catalog.Client.GetFromJsonAsync<ProductItem>($"/products/{productId}", Ct))!.Stock;
}
