using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Payments.Ledger;
using DaprPlatform.Payments.Provider;

namespace DaprPlatform.Payments.Tests;

/// <summary>The payments API, run once per state store the ledger can live in (only the component YAML differs).</summary>
public abstract class PaymentsApiTests(PaymentsApp payments)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static ChargeRequest Charge(string method = SimulatedPaymentProvider.Visa) =>
        new($"order-{Guid.NewGuid():N}", "order-1", "customer-1", 42.50m, method);

    [Fact]
    public async Task A_visa_charge_is_charged_once_however_often_it_is_asked()
    {
        var request = Charge();
        var charged = payments.Provider.ChargesMade;

        var first = await ChargeAsync(request);
        var again = await ChargeAsync(request);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal(PaymentStatus.Charged, first.Record!.Status);
        Assert.Equal(first.Record.PaymentId, again.Record!.PaymentId);
        Assert.Equal(charged + 1, payments.Provider.ChargesMade);
        Assert.Equal(PaymentStatus.Charged, (await payments.Client.GetFromJsonAsync<PaymentRecord>($"/charges/{request.IdempotencyKey}", Ct))!.Status);
    }

    [Fact]
    public async Task A_declined_card_is_a_402_every_time_and_never_a_charge()
    {
        var request = Charge(SimulatedPaymentProvider.Declined);
        var charged = payments.Provider.ChargesMade;

        using var first = await payments.Client.PostAsJsonAsync("/charges", request, Ct);
        using var again = await payments.Client.PostAsJsonAsync("/charges", request, Ct);

        Assert.Equal((HttpStatusCode.PaymentRequired, HttpStatusCode.PaymentRequired), (first.StatusCode, again.StatusCode));
        Assert.Equal("card_declined", (await first.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("declineCode").GetString());
        Assert.Equal(charged, payments.Provider.ChargesMade);
        Assert.Equal(PaymentStatus.Declined, (await payments.Client.GetFromJsonAsync<PaymentRecord>($"/charges/{request.IdempotencyKey}", Ct))!.Status);
    }

    [Fact]
    public async Task A_provider_past_its_timeout_is_a_504_and_the_charge_stays_pending_for_a_retry()
    {
        var request = Charge(SimulatedPaymentProvider.Slow);

        using var response = await payments.Client.PostAsJsonAsync("/charges", request, Ct);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(PaymentStatus.Pending, (await payments.Client.GetFromJsonAsync<PaymentRecord>($"/charges/{request.IdempotencyKey}", Ct))!.Status);
    }

    [Fact]
    public async Task Concurrent_charges_with_one_key_charge_once_and_agree_on_the_payment()
    {
        var request = Charge();
        var charged = payments.Provider.ChargesMade;

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => ChargeAsync(request)));

        Assert.All(answers, a => Assert.True(a.Status is HttpStatusCode.OK or HttpStatusCode.Conflict, a.Status.ToString()));
        Assert.Single(answers.Where(a => a.Status == HttpStatusCode.OK).Select(a => a.Record!.PaymentId).Distinct());
        Assert.Equal(charged + 1, payments.Provider.ChargesMade);
    }

    [Fact]
    public async Task A_refund_happens_once_and_never_charges_again()
    {
        var charge = (await ChargeAsync(Charge())).Record!;
        var (charged, refunded) = (payments.Provider.ChargesMade, payments.Provider.RefundsMade);

        using var refund = await payments.Client.PostAsync($"/charges/{charge.PaymentId}/refund", null, Ct);
        using var again = await payments.Client.PostAsync($"/charges/{charge.PaymentId}/refund", null, Ct);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (refund.StatusCode, again.StatusCode));
        Assert.Equal(PaymentStatus.Refunded, (await again.Content.ReadFromJsonAsync<PaymentRecord>(Ct))!.Status);
        Assert.Equal((charged, refunded + 1), (payments.Provider.ChargesMade, payments.Provider.RefundsMade));
    }

    [Fact]
    public async Task A_declined_or_unknown_payment_is_not_refunded()
    {
        using var declined = await payments.Client.PostAsJsonAsync("/charges", Charge(SimulatedPaymentProvider.Declined), Ct);
        var declinedId = (await declined.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("paymentId").GetString();

        using var refundDeclined = await payments.Client.PostAsync($"/charges/{declinedId}/refund", null, Ct);
        using var refundUnknown = await payments.Client.PostAsync("/charges/pay_nobody/refund", null, Ct);

        Assert.Equal(HttpStatusCode.NotFound, refundUnknown.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, refundDeclined.StatusCode);
        Assert.Equal("Declined", (await refundDeclined.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData("""{"idempotencyKey":"k1","orderId":"o","customerId":"c","amount":-1,"paymentMethod":"pm_card_visa"}""")]
    [InlineData("""{"idempotencyKey":"k2","orderId":"o","customerId":"c","amount":1.001,"paymentMethod":"pm_card_visa"}""")]
    [InlineData("""{"idempotencyKey":"k3","orderId":"o","customerId":"c","amount":10,"paymentMethod":"pm_card_mastercard"}""")]
    [InlineData("""{"idempotencyKey":"","orderId":"o","customerId":"c","amount":10,"paymentMethod":"pm_card_visa"}""")]
    [InlineData("""{"idempotencyKey":"k5","amount":"ten"}""")]
    public async Task Bad_charges_are_400_problems_and_charge_nothing(string body)
    {
        var charged = payments.Provider.ChargesMade;

        using var response = await payments.Client.PostAsync("/charges", new StringContent(body, System.Text.Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(charged, payments.Provider.ChargesMade);
    }

    private async Task<(HttpStatusCode Status, PaymentRecord? Record)> ChargeAsync(ChargeRequest request)
    {
        using var response = await payments.Client.PostAsJsonAsync("/charges", request, Ct);
        return (response.StatusCode, response.StatusCode == HttpStatusCode.OK ? await response.Content.ReadFromJsonAsync<PaymentRecord>(Ct) : null);
    }
}

public sealed class PaymentsOnRedisTests(RedisPaymentsApp payments) : PaymentsApiTests(payments), IClassFixture<RedisPaymentsApp>;

public sealed class PaymentsOnPostgresTests(PostgresPaymentsApp payments) : PaymentsApiTests(payments), IClassFixture<PostgresPaymentsApp>;
