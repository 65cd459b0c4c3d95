using System.Net;
using System.Text.Json;
using DaprPlatform.Workflows.OrderSaga;

namespace DaprPlatform.Ordering.Clients;

internal sealed record PaymentsChargeRequest(string IdempotencyKey, string OrderId, string CustomerId, decimal Amount, string PaymentMethod);

internal sealed record PaymentsRecord(string PaymentId, string Status);

/// <summary>The payments service through Dapr service invocation (app id "payments"), on one pooled HttpClient.</summary>
public sealed class PaymentsClient(HttpClient http)
{
    public const string AppId = "payments";

    /// <summary>
    /// 200 Charged is a charge and 402 a decline — the only two answers. Anything else (409 another request is
    /// charging, 504 the provider is slow, 5xx, any other 4xx) throws and is retried with the same key, which
    /// payments answers without charging again.
    /// </summary>
    public async Task<PaymentOutcome> ChargeAsync(ChargePaymentInput input, CancellationToken ct)
    {
        var request = new PaymentsChargeRequest(input.IdempotencyKey, input.OrderId, input.CustomerId, input.Amount, input.PaymentMethod);
        using var response = await http.PostAsJsonAsync("charges", request, ct);
        if (response.StatusCode == HttpStatusCode.PaymentRequired)
        {
            return new PaymentOutcome(false, null, await DeclineCodeAsync(response, ct));
        }

        if (!response.IsSuccessStatusCode)
        {
            throw await DownstreamException.FromAsync(AppId, "charge", response, ct);
        }

        var record = await response.Content.ReadFromJsonAsync<PaymentsRecord>(ct);
        return record is { Status: "Charged" }
            ? new PaymentOutcome(true, record.PaymentId, null)
            : throw new DownstreamException(AppId, "charge", response.StatusCode, $"a charge in status {record?.Status ?? "(none)"}");
    }

    /// <summary>Refunds a charge; a refund of a refunded charge is answered without paying back twice.</summary>
    public async Task RefundAsync(string paymentId, CancellationToken ct)
    {
        using var response = await http.PostAsync($"charges/{Uri.EscapeDataString(paymentId)}/refund", content: null, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw await DownstreamException.FromAsync(AppId, "refund", response, ct);
        }
    }

    private static async Task<string> DeclineCodeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            using var problem = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
            return problem.RootElement.TryGetProperty("declineCode", out var code) && code.ValueKind == JsonValueKind.String
                ? code.GetString()!
                : "card_declined";
        }
        catch (JsonException)
        {
            return "card_declined";
        }
    }
}
