using System.Net;
using System.Text.Json;
using DaprPlatform.Ordering.Clients;
using DaprPlatform.Workflows.OrderSaga;

namespace DaprPlatform.Ordering.Tests;

/// <summary>
/// PaymentsClient against payments' answers (PaymentsApi): 200 Charged and 402 are the only outcomes; every other answer
/// throws, so the saga retries with the same key and finally fails the step — a 4xx is never read as success.
/// </summary>
public sealed class PaymentsClientTests
{
    private static readonly ChargePaymentInput Input = new("order-1", "customer-1", 42.50m, "pm_card_visa", IdempotencyKey: "order-1");

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_200_charged_is_a_charge_with_its_payment_id_asked_once_with_the_orders_key()
    {
        var payments = new ServiceAnswers(_ => ServiceAnswers.Json(HttpStatusCode.OK, Record("pay_1", "Charged")));

        var outcome = await new PaymentsClient(payments.Client(PaymentsClient.AppId)).ChargeAsync(Input, Ct);

        Assert.Equal(new PaymentOutcome(true, "pay_1", null), outcome);
        var (method, path, body) = Assert.Single(payments.Requests);
        Assert.Equal((HttpMethod.Post, "/charges"), (method, path));
        using var sent = JsonDocument.Parse(body!);
        Assert.Equal("order-1", sent.RootElement.GetProperty("idempotencyKey").GetString());
        Assert.Equal(42.50m, sent.RootElement.GetProperty("amount").GetDecimal());
        Assert.Equal("pm_card_visa", sent.RootElement.GetProperty("paymentMethod").GetString());
    }

    [Fact]
    public async Task A_402_is_a_decline_with_its_decline_code_not_an_exception()
    {
        var payments = new ServiceAnswers(_ => ServiceAnswers.Problem(
            HttpStatusCode.PaymentRequired, "The card was declined", new Dictionary<string, object?> { ["declineCode"] = "insufficient_funds", ["paymentId"] = "pay_2" }));

        var outcome = await new PaymentsClient(payments.Client(PaymentsClient.AppId)).ChargeAsync(Input, Ct);

        Assert.Equal(new PaymentOutcome(false, null, "insufficient_funds"), outcome);
    }

    [Fact]
    public async Task A_402_without_a_readable_decline_code_is_still_a_decline()
    {
        var payments = new ServiceAnswers(_ => ServiceAnswers.Text(HttpStatusCode.PaymentRequired, "declined"));

        var outcome = await new PaymentsClient(payments.Client(PaymentsClient.AppId)).ChargeAsync(Input, Ct);

        Assert.Equal(new PaymentOutcome(false, null, "card_declined"), outcome);
    }

    [Theory]
    [InlineData(HttpStatusCode.Conflict, "The charge is being made by another request")]
    [InlineData(HttpStatusCode.GatewayTimeout, "The payment provider did not answer in time")]
    [InlineData(HttpStatusCode.InternalServerError, "An error occurred while processing your request.")]
    [InlineData(HttpStatusCode.BadRequest, "One or more validation errors occurred.")]
    [InlineData(HttpStatusCode.NotFound, "Not Found")]
    [InlineData(HttpStatusCode.ServiceUnavailable, "Service Unavailable")]
    public async Task Any_other_answer_to_a_charge_throws_and_is_never_a_charge(HttpStatusCode status, string title)
    {
        var payments = new ServiceAnswers(_ => ServiceAnswers.Problem(status, title));

        var e = await Assert.ThrowsAsync<DownstreamException>(() => new PaymentsClient(payments.Client(PaymentsClient.AppId)).ChargeAsync(Input, Ct));

        Assert.Equal(status, e.Status);
        Assert.Contains(title, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Pending")]
    [InlineData("Declined")]
    [InlineData("Refunded")]
    public async Task A_200_whose_charge_is_not_charged_throws(string status)
    {
        var payments = new ServiceAnswers(_ => ServiceAnswers.Json(HttpStatusCode.OK, Record("pay_3", status)));

        var e = await Assert.ThrowsAsync<DownstreamException>(() => new PaymentsClient(payments.Client(PaymentsClient.AppId)).ChargeAsync(Input, Ct));

        Assert.Contains(status, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_200_without_a_charge_in_its_body_throws()
    {
        var payments = new ServiceAnswers(_ => ServiceAnswers.Json<object?>(HttpStatusCode.OK, null));

        await Assert.ThrowsAsync<DownstreamException>(() => new PaymentsClient(payments.Client(PaymentsClient.AppId)).ChargeAsync(Input, Ct));
    }

    [Fact]
    public async Task A_refund_answered_200_is_done_and_asks_only_for_the_refund()
    {
        var payments = new ServiceAnswers(_ => ServiceAnswers.Json(HttpStatusCode.OK, Record("pay/4", "Refunded")));

        await new PaymentsClient(payments.Client(PaymentsClient.AppId)).RefundAsync("pay/4", Ct);

        var (method, path, _) = Assert.Single(payments.Requests);
        Assert.Equal((HttpMethod.Post, "/charges/pay%2F4/refund"), (method, path));
    }

    /// <summary>
    /// Payments answers 409 for a payment that was never charged and 404 for one it does not know. The saga refunds only
    /// a payment payments answered Charged, so either means the books disagree: the refund fails (the saga retries, then
    /// records the compensation as failed) instead of passing for done — and nothing is ever charged.
    /// </summary>
    [Theory]
    [InlineData(HttpStatusCode.Conflict, "Nothing was charged, so nothing is refunded")]
    [InlineData(HttpStatusCode.NotFound, "No such payment")]
    [InlineData(HttpStatusCode.InternalServerError, "An error occurred while processing your request.")]
    public async Task A_refund_of_a_payment_that_was_not_charged_throws_and_never_charges(HttpStatusCode status, string title)
    {
        var payments = new ServiceAnswers(_ => ServiceAnswers.Problem(status, title));

        var e = await Assert.ThrowsAsync<DownstreamException>(() => new PaymentsClient(payments.Client(PaymentsClient.AppId)).RefundAsync("pay_5", Ct));

        Assert.Equal(status, e.Status);
        Assert.Equal(["/charges/pay_5/refund"], payments.Requests.Select(r => r.Path));
    }

    private static object Record(string paymentId, string status) => new
    {
        paymentId,
        idempotencyKey = "order-1",
        orderId = "order-1",
        customerId = "customer-1",
        amount = 42.50m,
        paymentMethod = "pm_card_visa",
        status,
        providerReference = "ch_1",
        declineCode = (string?)null,
        updatedAt = DateTimeOffset.UtcNow,
    };
}
