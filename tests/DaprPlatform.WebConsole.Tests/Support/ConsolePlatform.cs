using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Testing;
using Npgsql;

namespace DaprPlatform.WebConsole.Tests.Support;

/// <summary>
/// The running platform (<see cref="RunningPlatform"/>: ./dapr-dev up on a copy of dapr.yaml with free ports, the
/// approval threshold at 400): the browser opens <see cref="RunningPlatform.ConsoleUrl"/>; what a test needs to exist
/// before it opens the browser (another customer and their order) is made through the gateway's public API.
/// </summary>
public sealed class ConsolePlatform : RunningPlatform
{
    /// <summary>A password identity accepts (length, upper case, digit, symbol).</summary>
    public const string CustomerPassword = "Corr3ct-Horse-Battery!";

    /// <summary>Stock every product has at least when the tests start.</summary>
    public const int MinimumStock = 100;

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        // The test run's servers, and so the catalog's database, are shared with the end-to-end tests, whose orders
        // (hundreds in the fault tests) can leave a product sold out: a sold-out product cannot be added to a cart.
        await using var connection = new NpgsqlConnection(ConnectionStrings["catalogdb"]);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var restock = new NpgsqlCommand("UPDATE products SET \"AvailableStock\" = GREATEST(\"AvailableStock\", @minimum)", connection);
        restock.Parameters.AddWithValue("minimum", MinimumStock);
        await restock.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }

    /// <summary>Registers a customer with a unique email through the API and logs them in.</summary>
    public async Task<ApiCustomer> CreateCustomerAsync(string name = "Api Customer")
    {
        var email = UniqueEmail();
        var http = new HttpClient { BaseAddress = GatewayUrl, Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            await EnsureAsync(await http.PostAsJsonAsync("/api/identity/register", new { email, password = CustomerPassword, name }, TestContext.Current.CancellationToken), HttpStatusCode.Created);
            using var login = await http.PostAsJsonAsync("/api/identity/login", new { email, password = CustomerPassword }, TestContext.Current.CancellationToken);
            await EnsureAsync(login, HttpStatusCode.OK, dispose: false);
            var tokens = await login.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tokens.GetProperty("accessToken").GetString());
            return new ApiCustomer(email, CustomerPassword, name, http);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>An address no other test (or earlier run on the same databases) has used.</summary>
    public static string UniqueEmail() => $"{Guid.NewGuid():N}@example.test";

    internal static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected, bool dispose = true)
    {
        try
        {
            Assert.True(response.StatusCode == expected,
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: {(int)response.StatusCode}, expected {(int)expected}: {await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        }
        finally
        {
            if (dispose)
            {
                response.Dispose();
            }
        }
    }
}

/// <summary>A customer made through the API, with their bearer token on <see cref="Http"/> (the gateway).</summary>
public sealed class ApiCustomer(string email, string password, string name, HttpClient http) : IDisposable
{
    public string Email { get; } = email;

    public string Password { get; } = password;

    public string Name { get; } = name;

    public HttpClient Http { get; } = http;

    /// <summary>POST /api/orders (one line); returns the order id once it is accepted (202).</summary>
    public async Task<string> PlaceOrderAsync(int productId, int quantity, string paymentMethod = "pm_card_visa")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new { items = new[] { new { productId, quantity } }, paymentMethod }),
        };
        request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await Http.SendAsync(request, TestContext.Current.CancellationToken);
        await ConsolePlatform.EnsureAsync(response, HttpStatusCode.Accepted, dispose: false);
        return (await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("orderId").GetString()!;
    }

    public void Dispose() => Http.Dispose();
}
