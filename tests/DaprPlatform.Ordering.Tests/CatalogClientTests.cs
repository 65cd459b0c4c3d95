using System.Net;
using System.Text.Json;
using DaprPlatform.Ordering.Clients;
using DaprPlatform.Workflows.OrderSaga;

namespace DaprPlatform.Ordering.Tests;

/// <summary>CatalogClient against catalog's answers (ProductsApi and ReservationsApi).</summary>
public sealed class CatalogClientTests
{
    private static readonly ReserveInventoryInput Reserve = new("order-7", [new OrderLine("4", 2, 79.00m), new OrderLine("1", 1, 24.90m)]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_product_is_read_with_its_price()
    {
        var catalog = new ServiceAnswers(_ => ServiceAnswers.Json(HttpStatusCode.OK, new { id = 5, name = "Espresso machine", description = "15 bar", price = 449.00m, stock = 10 }));

        var product = await new CatalogClient(catalog.Client(CatalogClient.AppId)).GetProductAsync(5, Ct);

        Assert.Equal(new CatalogProduct(5, "Espresso machine", 449.00m, 10), product);
        Assert.Equal("/products/5", Assert.Single(catalog.Requests).Path);
    }

    [Fact]
    public async Task An_unknown_product_is_null()
    {
        var catalog = new ServiceAnswers(_ => ServiceAnswers.Problem(HttpStatusCode.NotFound, "No such product"));

        Assert.Null(await new CatalogClient(catalog.Client(CatalogClient.AppId)).GetProductAsync(999, Ct));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task A_product_read_that_fails_throws_instead_of_reading_as_unknown(HttpStatusCode status)
    {
        var catalog = new ServiceAnswers(_ => ServiceAnswers.Problem(status, "failed"));

        var e = await Assert.ThrowsAsync<DownstreamException>(() => new CatalogClient(catalog.Client(CatalogClient.AppId)).GetProductAsync(5, Ct));

        Assert.Equal(status, e.Status);
    }

    [Fact]
    public async Task A_reservation_is_made_under_the_order_id_with_every_line()
    {
        var catalog = new ServiceAnswers(_ => ServiceAnswers.Json(HttpStatusCode.OK, new { reservationId = "order-7", orderId = "order-7", reserved = true, status = "Reserved", reason = (string?)null }));

        var outcome = await new CatalogClient(catalog.Client(CatalogClient.AppId)).ReserveAsync(Reserve, Ct);

        Assert.Equal(new ReservationOutcome(true, "order-7", null), outcome);
        var (method, path, body) = Assert.Single(catalog.Requests);
        Assert.Equal((HttpMethod.Post, "/reservations"), (method, path));
        using var sent = JsonDocument.Parse(body!);
        Assert.Equal("order-7", sent.RootElement.GetProperty("reservationId").GetString());
        Assert.Equal("order-7", sent.RootElement.GetProperty("orderId").GetString());
        Assert.Equal(
            [(4, 2), (1, 1)],
            sent.RootElement.GetProperty("lines").EnumerateArray().Select(l => (l.GetProperty("productId").GetInt32(), l.GetProperty("quantity").GetInt32())));
    }

    [Fact]
    public async Task A_reservation_catalog_refused_is_not_reserved_with_its_reason_and_no_reservation_id()
    {
        var catalog = new ServiceAnswers(_ => ServiceAnswers.Json(
            HttpStatusCode.OK, new { reservationId = "order-7", orderId = "order-7", reserved = false, status = "Rejected", reason = "product 4: fewer than 2 left" }));

        var outcome = await new CatalogClient(catalog.Client(CatalogClient.AppId)).ReserveAsync(Reserve, Ct);

        Assert.Equal(new ReservationOutcome(false, null, "product 4: fewer than 2 left"), outcome);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.InternalServerError)]
    public async Task A_reservation_answered_with_an_error_throws(HttpStatusCode status)
    {
        var catalog = new ServiceAnswers(_ => ServiceAnswers.Problem(status, "failed"));

        var e = await Assert.ThrowsAsync<DownstreamException>(() => new CatalogClient(catalog.Client(CatalogClient.AppId)).ReserveAsync(Reserve, Ct));

        Assert.Equal(status, e.Status);
    }

    [Theory]
    [InlineData(HttpStatusCode.OK)]
    [InlineData(HttpStatusCode.NotFound)]
    public async Task A_release_answered_200_or_404_is_done(HttpStatusCode status)
    {
        var catalog = new ServiceAnswers(_ => status == HttpStatusCode.OK
            ? ServiceAnswers.Json(status, new { reservationId = "order-7", orderId = "order-7", reserved = true, status = "Released" })
            : ServiceAnswers.Problem(status, "No such reservation"));

        await new CatalogClient(catalog.Client(CatalogClient.AppId)).ReleaseAsync("order-7", Ct);

        var (method, path, _) = Assert.Single(catalog.Requests);
        Assert.Equal((HttpMethod.Post, "/reservations/order-7/release"), (method, path));
    }

    [Theory]
    [InlineData(HttpStatusCode.Conflict, "The reservation is committed")]
    [InlineData(HttpStatusCode.InternalServerError, "failed")]
    [InlineData(HttpStatusCode.BadGateway, "failed")]
    public async Task A_release_answered_otherwise_throws(HttpStatusCode status, string title)
    {
        var catalog = new ServiceAnswers(_ => ServiceAnswers.Problem(status, title));

        var e = await Assert.ThrowsAsync<DownstreamException>(() => new CatalogClient(catalog.Client(CatalogClient.AppId)).ReleaseAsync("order-7", Ct));

        Assert.Equal(status, e.Status);
    }

    [Fact]
    public async Task A_commit_answered_200_is_done()
    {
        var catalog = new ServiceAnswers(_ => ServiceAnswers.Json(HttpStatusCode.OK, new { reservationId = "order-7", orderId = "order-7", reserved = true, status = "Committed" }));

        await new CatalogClient(catalog.Client(CatalogClient.AppId)).CommitAsync("order-7", Ct);

        var (method, path, _) = Assert.Single(catalog.Requests);
        Assert.Equal((HttpMethod.Post, "/reservations/order-7/commit"), (method, path));
    }

    /// <summary>A commit that did not happen must not let the order be confirmed: even 404 (nothing reserved) throws.</summary>
    [Theory]
    [InlineData(HttpStatusCode.Conflict, "The reservation is released")]
    [InlineData(HttpStatusCode.NotFound, "No such reservation")]
    [InlineData(HttpStatusCode.InternalServerError, "failed")]
    public async Task A_commit_answered_with_an_error_throws(HttpStatusCode status, string title)
    {
        var catalog = new ServiceAnswers(_ => ServiceAnswers.Problem(status, title));

        var e = await Assert.ThrowsAsync<DownstreamException>(() => new CatalogClient(catalog.Client(CatalogClient.AppId)).CommitAsync("order-7", Ct));

        Assert.Equal(status, e.Status);
    }
}
