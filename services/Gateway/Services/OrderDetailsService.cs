using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace DaprPlatform.Gateway.Services;

public sealed record OrderDetails(JsonElement Order, IReadOnlyList<JsonElement> Products, PaymentSummary? Payment);

public sealed record PaymentSummary(string? Status, string? PaymentId);

/// <summary>What the aggregation came to: the details, or why not (a refusal passed on, or a service that failed).</summary>
public abstract record OrderDetailsResult
{
    public sealed record Found(OrderDetails Details) : OrderDetailsResult;

    /// <summary>Ordering answered 4xx (not found, not yours, bad id): passed on with its status.</summary>
    public sealed record Refused(ProblemDetails Problem) : OrderDetailsResult;

    public sealed record Unavailable(string AppId) : OrderDetailsResult;
}

/// <summary>
/// An order with its products and payment, gathered through Dapr service invocation: ordering first (which decides
/// whether the caller may see the order), then catalog for each distinct product and payments, in parallel.
/// </summary>
public sealed class OrderDetailsService(InvocationClient services)
{
    public const string Ordering = "ordering";
    public const string Catalog = "catalog";
    public const string Payments = "payments";

    public async Task<OrderDetailsResult> GetAsync(string orderId, HttpRequest caller, CancellationToken ct)
    {
        using var orderResponse = await services.GetAsync(Ordering, $"orders/{Uri.EscapeDataString(orderId)}", caller, ct);
        if (!orderResponse.IsSuccessStatusCode)
        {
            return (int)orderResponse.StatusCode is >= 400 and < 500
                ? new OrderDetailsResult.Refused(await RefusalAsync(orderResponse, ct))
                : new OrderDetailsResult.Unavailable(Ordering);
        }

        var order = await orderResponse.Content.ReadFromJsonAsync<JsonElement>(ct);
        // A charge's idempotency key is the order id, as ordering spells it.
        var paymentKey = order.TryGetProperty("orderId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()! : orderId;

        var products = ProductIds(order).Select(productId => GetProductAsync(productId, caller, ct)).ToList();
        var payment = GetPaymentAsync(paymentKey, caller, ct);
        try
        {
            await Task.WhenAll([.. products, payment]);
        }
        catch (UnavailableException unavailable)
        {
            return new OrderDetailsResult.Unavailable(unavailable.AppId);
        }

        return new OrderDetailsResult.Found(new OrderDetails(order, [.. products.Select(p => p.Result).OfType<JsonElement>()], payment.Result));
    }

    private async Task<JsonElement?> GetProductAsync(string productId, HttpRequest caller, CancellationToken ct)
    {
        using var response = await services.GetAsync(Catalog, $"products/{Uri.EscapeDataString(productId)}", caller, ct);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => await response.Content.ReadFromJsonAsync<JsonElement>(ct),
            // A product since removed from the catalog leaves the order readable.
            HttpStatusCode.NotFound => null,
            _ => throw new UnavailableException(Catalog),
        };
    }

    private async Task<PaymentSummary?> GetPaymentAsync(string paymentKey, HttpRequest caller, CancellationToken ct)
    {
        using var response = await services.GetAsync(Payments, $"charges/{Uri.EscapeDataString(paymentKey)}", caller, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null; // not charged (yet)
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new UnavailableException(Payments);
        }

        var charge = await response.Content.ReadFromJsonAsync<JsonElement>(ct);
        return new PaymentSummary(Text(charge, "status"), Text(charge, "paymentId"));
    }

    private static IEnumerable<string> ProductIds(JsonElement order) =>
        order.TryGetProperty("items", out var items) && items.ValueKind == JsonValueKind.Array
            ? items.EnumerateArray()
                .Select(item => item.ValueKind == JsonValueKind.Object && item.TryGetProperty("productId", out var productId) ? productId : default)
                .Select(productId => productId.ValueKind switch
                {
                    JsonValueKind.String => productId.GetString(),
                    JsonValueKind.Number => productId.GetRawText(),
                    _ => null,
                })
                .OfType<string>()
                .Where(productId => productId.Length > 0)
                .Distinct(StringComparer.Ordinal)
            : [];

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static async Task<ProblemDetails> RefusalAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        ProblemDetails? problem = null;
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            try
            {
                problem = await response.Content.ReadFromJsonAsync<ProblemDetails>(ct);
            }
            catch (JsonException)
            {
                // Not the problem details it claims to be: the status alone is passed on.
            }
        }

        problem ??= new ProblemDetails();
        problem.Status = status;
        problem.Title ??= status switch
        {
            StatusCodes.Status404NotFound => "The order does not exist",
            StatusCodes.Status403Forbidden => "The order is not yours",
            _ => string.Create(CultureInfo.InvariantCulture, $"The ordering service refused the request ({status})"),
        };
        return problem;
    }

    private sealed class UnavailableException(string appId) : Exception($"{appId} did not answer as expected")
    {
        public string AppId { get; } = appId;
    }
}
