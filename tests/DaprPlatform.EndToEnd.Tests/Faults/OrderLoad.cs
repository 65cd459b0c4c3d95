using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace DaprPlatform.EndToEnd.Tests.Faults;

/// <summary>An order the load places: one line, by one customer, with the Idempotency-Key every attempt reuses.</summary>
internal sealed record PlannedOrder(int Index, PlatformClient Customer, int ProductId, int Quantity, string PaymentMethod)
{
    public string IdempotencyKey { get; } = Guid.NewGuid().ToString();
}

/// <summary>An order the gateway accepted, and how many requests that took.</summary>
internal sealed record PlacedOrder(PlannedOrder Plan, string OrderId, int Attempts);

/// <summary>
/// Places orders at a steady rate, whatever is down: a request that fails on the way (connection refused, a 5xx
/// from a gateway whose service is restarting, no answer in time) is sent again with the same Idempotency-Key, as a
/// real client does, so each planned order is placed once however many requests it takes.
/// </summary>
internal static class OrderLoad
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(250);

    /// <param name="interval">Between the first attempts of two consecutive orders.</param>
    /// <param name="retryFor">How long an order is retried before the load fails.</param>
    /// <param name="afterPlaced">What the client does next with an accepted order; the load completes after it.</param>
    public static async Task<IReadOnlyList<PlacedOrder>> PlaceAsync(
        IReadOnlyList<PlannedOrder> plan, TimeSpan interval, TimeSpan retryFor, Func<PlacedOrder, Task> afterPlaced, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        return await Task.WhenAll(plan.Select(async order =>
        {
            var due = interval * order.Index - clock.Elapsed;
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, cancellationToken);
            }

            var placed = await PlaceOneAsync(order, retryFor, cancellationToken);
            await afterPlaced(placed);
            return placed;
        }));
    }

    private static async Task<PlacedOrder> PlaceOneAsync(PlannedOrder order, TimeSpan retryFor, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + retryFor;
        var body = new { items = new[] { new { productId = order.ProductId, quantity = order.Quantity } }, paymentMethod = order.PaymentMethod };
        string lastFailure;
        var attempts = 0;
        do
        {
            attempts++;
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(AttemptTimeout);
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(body) };
                request.Headers.Add("Idempotency-Key", order.IdempotencyKey);
                using var response = await order.Customer.Http.SendAsync(request, attempt.Token);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    var accepted = await response.Content.ReadFromJsonAsync<JsonElement>(attempt.Token);
                    return new PlacedOrder(order, accepted.GetProperty("orderId").GetString()!, attempts);
                }

                lastFailure = await PlatformClient.DescribeAsync(response);
                if ((int)response.StatusCode < 500)
                {
                    // An answer, not a fault: the order was refused and retrying would not change that.
                    break;
                }
            }
            catch (HttpRequestException e)
            {
                lastFailure = e.Message;
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastFailure = $"no answer within {AttemptTimeout.TotalSeconds:0} s";
            }

            await Task.Delay(RetryDelay, cancellationToken);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"order #{order.Index} (key {order.IdempotencyKey}) was not accepted after {attempts} attempts; last: {lastFailure}");
        return null!;
    }
}
