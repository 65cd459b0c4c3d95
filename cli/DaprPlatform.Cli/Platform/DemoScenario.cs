using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Cli.Output;

namespace DaprPlatform.Cli.Platform;

/// <summary>
/// `dapr-dev demo`: a walk through the running platform, all through the gateway — a customer registers and logs
/// in, orders (confirmed), orders above the approval threshold (an admin approves), pays with a card that is declined
/// (the saga compensates) — printing each saga step as it happens.
/// </summary>
internal sealed class DemoScenario(HttpClient http, Reporter reporter, string adminEmail, string adminPassword)
{
    private static readonly TimeSpan SagaTimeout = TimeSpan.FromSeconds(60);

    public async Task<bool> RunAsync(CancellationToken ct)
    {
        var email = $"demo-{Guid.NewGuid().ToString("N")[..8]}@example.test";
        const string password = "Demo-Passw0rd!";
        Step($"1. Register {email}");
        var registered = await SendAsync(HttpMethod.Post, "/api/identity/register", null, new { email, password, name = "Demo Customer" }, ct);
        Say($"201 Created: user {registered.GetProperty("userId").GetString()}");

        Step("2. Log in");
        var customer = await LoginAsync(email, password, ct);
        Say($"access token (expires in {customer.ExpiresIn} s) and a refresh token");

        Step("3. Browse the catalog");
        var products = await SendAsync(HttpMethod.Get, "/api/catalog/products?pageSize=5", null, null, ct);
        foreach (var product in products.GetProperty("items").EnumerateArray())
        {
            Say($"#{product.GetProperty("id").GetInt32()} {product.GetProperty("name").GetString()}: {Money(product.GetProperty("price").GetDecimal())}, {product.GetProperty("stock").GetInt32()} in stock");
        }

        Step("4. Order two bags of filter coffee, paid with pm_card_visa");
        var small = await OrderAsync(customer.Token, productId: 2, quantity: 2, "pm_card_visa", ct);
        await FollowAsync(customer.Token, small, ct);

        Step("5. Order three espresso machines: above the approval threshold, so the saga waits for an admin");
        var large = await OrderAsync(customer.Token, productId: 5, quantity: 3, "pm_card_visa", ct);
        await FollowAsync(customer.Token, large, ct, untilStatus: "AwaitingApproval");
        Say($"admin {adminEmail} logs in and approves");
        var admin = await LoginAsync(adminEmail, adminPassword, ct);
        await SendAsync(HttpMethod.Post, $"/api/orders/{large}/approve", admin.Token, null, ct);
        await FollowAsync(customer.Token, large, ct);

        Step("6. Order a mug with pm_card_chargeDeclined: the payment fails and the saga compensates");
        var declined = await OrderAsync(customer.Token, productId: 3, quantity: 1, "pm_card_chargeDeclined", ct);
        var final = await FollowAsync(customer.Token, declined, ct);
        Say($"cancelled because: {final.GetProperty("cancellationReason").GetString()}");

        Step("7. What the read models say (events arrive asynchronously)");
        await Task.Delay(TimeSpan.FromSeconds(2), ct);
        var stats = await SendAsync(HttpMethod.Get, $"/api/analytics/customers/{registered.GetProperty("userId").GetString()}", customer.Token, null, ct);
        Say($"analytics: {stats.GetProperty("ordersCount").GetInt32()} confirmed orders, {Money(stats.GetProperty("totalSpent").GetDecimal())} spent");
        var notifications = await SendAsync(HttpMethod.Get, "/api/notifications", customer.Token, null, ct);
        Say($"notifications: {Describe(notifications)}");
        reporter.Success("Demo finished: an order confirmed, one approved by an admin, one declined and compensated");
        return true;
    }

    private async Task<string> OrderAsync(string token, int productId, int quantity, string paymentMethod, CancellationToken ct)
    {
        var accepted = await SendAsync(HttpMethod.Post, "/api/orders", token,
            new { items = new[] { new { productId, quantity } }, paymentMethod }, ct, idempotencyKey: Guid.NewGuid().ToString());
        var orderId = accepted.GetProperty("orderId").GetString()!;
        Say($"202 Accepted: order {orderId}");
        return orderId;
    }

    /// <summary>Prints each saga step as it appears or changes until the order is final (or has <paramref name="untilStatus"/>).</summary>
    private async Task<JsonElement> FollowAsync(string token, string orderId, CancellationToken ct, string? untilStatus = null)
    {
        var seen = new Dictionary<int, string>();
        var deadline = DateTime.UtcNow + SagaTimeout;
        while (true)
        {
            var order = await SendAsync(HttpMethod.Get, $"/api/orders/{orderId}", token, null, ct);
            if (order.TryGetProperty("steps", out var steps) && steps.ValueKind == JsonValueKind.Array)
            {
                var index = 0;
                foreach (var step in steps.EnumerateArray())
                {
                    var line = $"{step.GetProperty("name").GetString()}: {step.GetProperty("status").GetString()}"
                        + (step.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String ? $" ({detail.GetString()})" : "");
                    if (!seen.TryGetValue(index, out var previous) || previous != line)
                    {
                        seen[index] = line;
                        Say("  saga › " + line);
                    }

                    index++;
                }
            }

            var status = order.GetProperty("status").GetString();
            // The order is final a moment before its saga records the last step: wait for both.
            var sagaDone = !order.TryGetProperty("sagaStatus", out var saga) || saga.GetString() is "Completed" or "Failed" or "Terminated";
            if ((status is "Confirmed" or "Cancelled" && sagaDone) || status == untilStatus)
            {
                Say($"order {orderId} is {status} (total {Money(order.GetProperty("total").GetDecimal())})");
                return order;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new DemoException($"order {orderId} is still {status} after {SagaTimeout.TotalSeconds:0} s");
            }

            await Task.Delay(200, ct);
        }
    }

    private async Task<(string Token, int ExpiresIn)> LoginAsync(string email, string password, CancellationToken ct)
    {
        var tokens = await SendAsync(HttpMethod.Post, "/api/identity/login", null, new { email, password }, ct);
        return (tokens.GetProperty("accessToken").GetString()!, tokens.GetProperty("expiresIn").GetInt32());
    }

    private async Task<JsonElement> SendAsync(HttpMethod method, string path, string? token, object? body, CancellationToken ct, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new DemoException($"{method} {path} answered {(int)response.StatusCode} {response.StatusCode}: {text}");
        }

        return response.StatusCode == HttpStatusCode.NoContent || text.Length == 0
            ? default
            : JsonDocument.Parse(text).RootElement.Clone();
    }

    private static string Describe(JsonElement notifications)
    {
        var items = notifications.ValueKind == JsonValueKind.Array ? notifications
            : notifications.TryGetProperty("items", out var page) ? page : default;
        return items.ValueKind == JsonValueKind.Array
            ? string.Join("; ", items.EnumerateArray().Select(n => string.Join(" ", new[] { "channel", "subject", "status" }
                .Where(p => n.TryGetProperty(p, out var v) && v.ValueKind == JsonValueKind.String)
                .Select(p => n.GetProperty(p).GetString()))))
            : notifications.ToString();
    }

    private static string Money(decimal amount) => amount.ToString("0.00", CultureInfo.InvariantCulture);

    private void Step(string text) => reporter.Info(text);

    private void Say(string text) => reporter.Line("   " + text);
}

internal sealed class DemoException(string message) : Exception(message);
