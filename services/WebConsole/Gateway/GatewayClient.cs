using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.WebConsole.Session;

namespace DaprPlatform.WebConsole.Gateway;

/// <summary>
/// The public API, reached through the console's own sidecar by service invocation (app id "gateway"), with the signed-in
/// user's access token. An expired access token is refreshed once and the request repeated; anything that still fails
/// comes back as the gateway's problem details.
/// </summary>
public sealed partial class GatewayClient(GatewayChannel channel, ConsoleSession session, ILogger<GatewayClient> logger)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public Task<ApiResult<TokenResponse>> LoginAsync(string email, string password, CancellationToken ct = default) =>
        SendAsync<TokenResponse>(() => Post("/api/identity/login", new { email, password }), authenticated: false, ct);

    public Task<ApiResult<JsonElement>> RegisterAsync(string email, string password, string name, CancellationToken ct = default) =>
        SendAsync<JsonElement>(() => Post("/api/identity/register", new { email, password, name }), authenticated: false, ct);

    /// <summary>Revokes the refresh token's family, so a copy of it is worthless after signing out.</summary>
    public Task<ApiResult<JsonElement>> LogoutAsync(string refreshToken, CancellationToken ct = default) =>
        SendAsync<JsonElement>(() => Post("/api/identity/logout", new { refreshToken }), authenticated: true, ct);

    public Task<ApiResult<ProductPage>> GetProductsAsync(string? search, int page, int pageSize, CancellationToken ct = default) =>
        SendAsync<ProductPage>(
            () => Get($"/api/catalog/products?search={Uri.EscapeDataString(search ?? "")}&page={page}&pageSize={pageSize}"),
            authenticated: false, ct);

    public Task<ApiResult<OrderAccepted>> PlaceOrderAsync(
        IReadOnlyList<PlaceOrderItem> items, string paymentMethod, string idempotencyKey, CancellationToken ct = default) =>
        SendAsync<OrderAccepted>(() =>
        {
            var request = Post("/api/orders", new { items, paymentMethod });
            request.Headers.Add("Idempotency-Key", idempotencyKey);
            return request;
        }, authenticated: true, ct);

    public Task<ApiResult<OrderPage>> GetMyOrdersAsync(int page, int pageSize, CancellationToken ct = default) =>
        SendAsync<OrderPage>(() => Get($"/api/orders?page={page}&pageSize={pageSize}"), authenticated: true, ct);

    public Task<ApiResult<OrderPage>> GetAllOrdersAsync(string? status, int page, int pageSize, CancellationToken ct = default) =>
        SendAsync<OrderPage>(
            () => Get($"/api/orders/all?status={Uri.EscapeDataString(status ?? "")}&page={page}&pageSize={pageSize}"),
            authenticated: true, ct);

    public Task<ApiResult<OrderView>> GetOrderAsync(string orderId, CancellationToken ct = default) =>
        SendAsync<OrderView>(() => Get($"/api/orders/{Uri.EscapeDataString(orderId)}"), authenticated: true, ct);

    public Task<ApiResult<JsonElement>> CancelOrderAsync(string orderId, CancellationToken ct = default) =>
        SendAsync<JsonElement>(() => Post($"/api/orders/{Uri.EscapeDataString(orderId)}/cancel", null), authenticated: true, ct);

    public Task<ApiResult<JsonElement>> ApproveAsync(string orderId, CancellationToken ct = default) =>
        SendAsync<JsonElement>(() => Post($"/api/orders/{Uri.EscapeDataString(orderId)}/approve", null), authenticated: true, ct);

    public Task<ApiResult<JsonElement>> RejectAsync(string orderId, string? reason, CancellationToken ct = default) =>
        SendAsync<JsonElement>(() => Post($"/api/orders/{Uri.EscapeDataString(orderId)}/reject", new { reason }), authenticated: true, ct);

    public Task<ApiResult<DeadLetterPage>> GetDeadLettersAsync(CancellationToken ct = default) =>
        SendAsync<DeadLetterPage>(() => Get("/api/notifications/dead-letters?pageSize=100"), authenticated: true, ct);

    public Task<ApiResult<JsonElement>> RedriveAsync(Guid id, CancellationToken ct = default) =>
        SendAsync<JsonElement>(() => Post($"/api/notifications/dead-letters/{id}/redrive", null), authenticated: true, ct);

    public Task<ApiResult<List<ProductRevenue>>> GetProductRevenueAsync(CancellationToken ct = default) =>
        SendAsync<List<ProductRevenue>>(() => Get("/api/analytics/products/revenue"), authenticated: true, ct);

    public Task<ApiResult<List<OutcomeCount>>> GetOutcomesAsync(CancellationToken ct = default) =>
        SendAsync<List<OutcomeCount>>(() => Get("/api/analytics/orders/outcomes"), authenticated: true, ct);

    public Task<ApiResult<List<CustomerSummary>>> GetTopCustomersAsync(int top, CancellationToken ct = default) =>
        SendAsync<List<CustomerSummary>>(() => Get($"/api/analytics/customers?top={top}"), authenticated: true, ct);

    public Task<ApiResult<List<HourlyOutcomes>>> GetHourlyOutcomesAsync(int hours, CancellationToken ct = default) =>
        SendAsync<List<HourlyOutcomes>>(() => Get($"/api/analytics/orders/outcomes/hourly?hours={hours}"), authenticated: true, ct);

    public Task<ApiResult<PlatformHealth>> GetHealthAsync(CancellationToken ct = default) =>
        SendAsync<PlatformHealth>(() => Get("/api/health"), authenticated: true, ct);

    private static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);

    private static HttpRequestMessage Post(string path, object? body) =>
        new(HttpMethod.Post, path) { Content = body is null ? null : JsonContent.Create(body, options: Json) };

    private async Task<ApiResult<T>> SendAsync<T>(Func<HttpRequestMessage> request, bool authenticated, CancellationToken ct)
    {
        try
        {
            using var response = await SendOnceAsync(request, authenticated, ct);
            if (response.StatusCode == HttpStatusCode.Unauthorized && authenticated && await RefreshAsync(ct))
            {
                using var retried = await SendOnceAsync(request, authenticated, ct);
                return await ReadAsync<T>(retried, ct);
            }

            return await ReadAsync<T>(response, ct);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            LogGatewayUnreachable(e);
            return ApiProblem.Unreachable;
        }
    }

    private async Task<HttpResponseMessage> SendOnceAsync(Func<HttpRequestMessage> create, bool authenticated, CancellationToken ct)
    {
        using var request = create();
        if (authenticated && session.AccessToken is { } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await channel.Http.SendAsync(request, ct);
    }

    /// <summary>Trades the refresh token for a new pair; a refused refresh signs the user out.</summary>
    private async Task<bool> RefreshAsync(CancellationToken ct)
    {
        if (session.RefreshToken is not { } refreshToken)
        {
            return false;
        }

        using var response = await SendOnceAsync(() => Post("/api/identity/refresh", new { refreshToken }), authenticated: false, ct);
        if (!response.IsSuccessStatusCode)
        {
            await session.SignOutAsync();
            return false;
        }

        var tokens = await response.Content.ReadFromJsonAsync<TokenResponse>(Json, ct);
        await session.SignInAsync(tokens!);
        return true;
    }

    private async Task<ApiResult<T>> ReadAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            // Some actions answer 202 or 204 with no body: the caller only needs to know they succeeded.
            var value = response.Content.Headers.ContentLength == 0
                ? default
                : await ReadJsonOrDefaultAsync<T>(response, ct);
            return new ApiResult<T>(value, null);
        }

        return await ReadProblemAsync(response, ct);
    }

    private async Task<T?> ReadJsonOrDefaultAsync<T>(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, ct);
        }
        catch (JsonException e)
        {
            LogUnreadableResponse(typeof(T).Name, e);
            return default;
        }
    }

    private async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var fallback = new ApiProblem(status, DefaultTitle(response.StatusCode), null);
        if (response.Content.Headers.ContentType?.MediaType is not { } type || !type.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return fallback;
        }

        try
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemBody>(Json, ct);
            return problem is null ? fallback : new ApiProblem(
                status,
                problem.Title is { Length: > 0 } title ? title : fallback.Title,
                // The sidecar's own errors ({errorCode, message}) carry their text in message.
                problem.Detail ?? problem.Message,
                problem.Errors);
        }
        catch (JsonException)
        {
            return fallback;
        }
    }

    private static string DefaultTitle(HttpStatusCode status) => status switch
    {
        HttpStatusCode.Unauthorized => "Please sign in again",
        HttpStatusCode.Forbidden => "Access denied",
        HttpStatusCode.NotFound => "Not found",
        HttpStatusCode.TooManyRequests => "Too many requests; wait a moment and try again",
        _ when (int)status >= 500 => "The platform could not complete the request",
        _ => "The request was not accepted",
    };

    private sealed record ProblemBody(string? Title, string? Detail, string? Message, Dictionary<string, string[]>? Errors);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The gateway could not be reached")]
    private partial void LogGatewayUnreachable(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The gateway's answer could not be read as {Type}")]
    private partial void LogUnreadableResponse(string type, Exception exception);
}
