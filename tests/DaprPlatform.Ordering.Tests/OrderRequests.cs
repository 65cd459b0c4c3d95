using System.Net;
using System.Net.Http.Json;
using System.Text;
using DaprPlatform.Ordering.Apis;

namespace DaprPlatform.Ordering.Tests;

/// <summary>The ordering API as its clients call it.</summary>
public static class OrderRequests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static PlaceOrderRequest Request(string paymentMethod = "pm_card_visa", params (int ProductId, int Quantity)[] items) =>
        new([.. (items.Length == 0 ? [(3, 1)] : items).Select(i => new PlaceOrderItem(i.ProductId, i.Quantity))], paymentMethod);

    public static Task<HttpResponseMessage> PlaceAsync(this HttpClient client, PlaceOrderRequest request, string? idempotencyKey = null) =>
        client.SendAsync(Post(JsonContent.Create(request), idempotencyKey), Ct);

    /// <summary>Posts <paramref name="json"/> as it is, for bodies no <see cref="PlaceOrderRequest"/> can express.</summary>
    public static Task<HttpResponseMessage> PlaceRawAsync(this HttpClient client, string json, string? idempotencyKey = null) =>
        client.SendAsync(Post(new StringContent(json, Encoding.UTF8, "application/json"), idempotencyKey), Ct);

    /// <summary>Places an order that must be accepted, and returns its id.</summary>
    public static async Task<string> PlaceOrderAsync(this HttpClient client, PlaceOrderRequest request, string? idempotencyKey = null)
    {
        using var response = await client.PlaceAsync(request, idempotencyKey);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<OrderAccepted>(Ct))!.OrderId;
    }

    public static async Task<OrderView> GetOrderAsync(this HttpClient client, string orderId) =>
        (await client.GetFromJsonAsync<OrderView>($"/orders/{orderId}", Ct))!;

    /// <summary>Polls the order until its status is <paramref name="status"/>; fails with the last view otherwise.</summary>
    public static async Task<OrderView> WaitForStatusAsync(this HttpClient client, string orderId, string status)
    {
        var deadline = DateTime.UtcNow + OrderingPlatform.SagaTimeout;
        while (true)
        {
            var order = await client.GetOrderAsync(orderId);
            if (order.Status == status)
            {
                return order;
            }

            Assert.True(DateTime.UtcNow < deadline, $"order {orderId} is {order.Status}, not {status}, after {OrderingPlatform.SagaTimeout}: steps {Describe(order)}");
            await Task.Delay(TimeSpan.FromMilliseconds(50), Ct);
        }
    }

    public static string Describe(OrderView order) =>
        order.Steps is null ? "(unreadable)" : string.Join(", ", order.Steps.Select(s => $"{s.Name} {s.Status} {s.Detail}"));

    private static HttpRequestMessage Post(HttpContent content, string? idempotencyKey)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = content };
        if (idempotencyKey is not null)
        {
            request.Headers.Add(OrdersApi.IdempotencyKeyHeader, idempotencyKey);
        }

        return request;
    }
}
