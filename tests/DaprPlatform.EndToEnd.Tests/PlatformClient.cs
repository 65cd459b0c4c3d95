using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>A user of the public API: everything through the gateway, with the bearer token of whoever logged in.</summary>
public sealed class PlatformClient(Uri gateway) : IDisposable
{
    public HttpClient Http { get; } = new() { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(30) };

    public string? UserId { get; private set; }

    public string? RefreshToken { get; private set; }

    public void Dispose() => Http.Dispose();

    /// <summary>Registers a new customer with a unique email and logs in as them.</summary>
    public async Task<PlatformClient> SignUpAsync(string name = "Test Customer")
    {
        var email = $"{Guid.NewGuid():N}@example.test";
        const string password = "Corr3ct-Horse-Battery!";
        using var register = await Http.PostAsJsonAsync("/api/identity/register", new { email, password, name }, TestContext.Current.CancellationToken);
        Assert.True(register.StatusCode == HttpStatusCode.Created, await DescribeAsync(register));
        return await LoginAsync(email, password);
    }

    public async Task<PlatformClient> LoginAsync(string email, string password)
    {
        using var login = await Http.PostAsJsonAsync("/api/identity/login", new { email, password }, TestContext.Current.CancellationToken);
        Assert.True(login.StatusCode == HttpStatusCode.OK, await DescribeAsync(login));
        var tokens = await login.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString());
        RefreshToken = tokens.GetProperty("refreshToken").GetString();
        var me = await Http.GetFromJsonAsync<JsonElement>("/api/identity/me", TestContext.Current.CancellationToken);
        UserId = me.GetProperty("userId").GetString();
        return this;
    }

    /// <summary>POST /api/orders; returns the response (202 with {orderId} when accepted).</summary>
    public Task<HttpResponseMessage> PlaceOrderAsync(object body, string? idempotencyKey = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders") { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", idempotencyKey ?? Guid.NewGuid().ToString());
        return Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async Task<string> PlaceOrderAsync(int productId, int quantity, string paymentMethod = "pm_card_visa")
    {
        using var response = await PlaceOrderAsync(new { items = new[] { new { productId, quantity } }, paymentMethod });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await DescribeAsync(response));
        return (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("orderId").GetString()!;
    }

    public Task<JsonElement> GetOrderAsync(string orderId) => Http.GetFromJsonAsync<JsonElement>($"/api/orders/{orderId}", TestContext.Current.CancellationToken);

    /// <summary>
    /// Polls the order until its status is one of <paramref name="statuses"/> — and, for a final status, until its saga
    /// completed too (the status is written by the saga's last activity, just before the saga records that step).
    /// Fails with the last view otherwise.
    /// </summary>
    public async Task<JsonElement> WaitForStatusAsync(string orderId, TimeSpan timeout, params string[] statuses)
    {
        var deadline = DateTime.UtcNow + timeout;
        JsonElement order;
        do
        {
            order = await GetOrderAsync(orderId);
            var status = order.GetProperty("status").GetString();
            var settled = status is not ("Confirmed" or "Cancelled") || order.GetProperty("sagaStatus").GetString() == "Completed";
            if (statuses.Contains(status) && settled)
            {
                return order;
            }

            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"order {orderId} did not reach {string.Join('/', statuses)} within {timeout}: {order}");
        return order;
    }

    public async Task<int> StockAsync(int productId) =>
        (await Http.GetFromJsonAsync<JsonElement>($"/api/catalog/products/{productId}", TestContext.Current.CancellationToken)).GetProperty("stock").GetInt32();

    public static async Task<string> DescribeAsync(HttpResponseMessage response) =>
        $"{(int)response.StatusCode} {response.StatusCode}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}";
}
