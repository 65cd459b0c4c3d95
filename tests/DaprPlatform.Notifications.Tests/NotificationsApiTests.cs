using System.Net;
using System.Net.Http.Json;
using System.Text;
using DaprPlatform.IntegrationEvents;
using DaprPlatform.Notifications.Apis;
using DaprPlatform.Testing;

namespace DaprPlatform.Notifications.Tests;

/// <summary>Who may see and change what, and bad input: a 400 that changes nothing.</summary>
public sealed class NotificationsApiTests(NotificationsApp app) : IClassFixture<NotificationsApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Routes => new()
    {
        { "GET", "/notifications" },
        { "GET", "/notifications/preferences" },
        { "PUT", "/notifications/preferences" },
        { "GET", "/notifications/dead-letters" },
        { "POST", "/notifications/dead-letters/0f8fad5b-d9cb-469f-a165-70867728950e/redrive" },
        { "POST", "/notifications/dead-letters/redrive" },
    };

    public static TheoryData<string, string> AdminRoutes => new()
    {
        { "GET", "/notifications/dead-letters" },
        { "POST", "/notifications/dead-letters/0f8fad5b-d9cb-469f-a165-70867728950e/redrive" },
        { "POST", "/notifications/dead-letters/redrive" },
    };

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_route_is_401_without_a_token(string method, string path)
    {
        using var response = await SendAsync(app.Anonymous, method, path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task Every_route_is_401_with_a_token_the_platform_did_not_sign(string method, string path)
    {
        foreach (var token in new[] { TestTokens.SignedByAnotherKey("u-1", "admin"), TestTokens.Expired("u-1", "admin"), TestTokens.AlgNone("u-1", "admin") })
        {
            using var client = app.As(token);
            using var response = await SendAsync(client, method, path);

            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Theory]
    [MemberData(nameof(AdminRoutes))]
    public async Task A_customer_is_403_on_the_dead_letters(string method, string path)
    {
        using var client = app.Customer(Guid.NewGuid().ToString());

        using var response = await SendAsync(client, method, path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_user_sees_only_their_own_notifications_newest_first_page_by_page()
    {
        var (alice, bob) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        await app.RegisterAsync(alice);
        await app.RegisterAsync(bob);
        var orders = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var confirmed = new OrderConfirmed(Guid.NewGuid(), $"order-{i}", alice, [], 10m + i, DateTimeOffset.UtcNow);
            using var response = await app.DeliverAsync("/events/order-confirmed", Topics.OrderConfirmed, confirmed);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            orders.Add(confirmed.OrderId);
        }

        using var client = app.Customer(alice);
        var first = await client.GetFromJsonAsync<NotificationPage>("/notifications?page=1&pageSize=2", Ct);
        var second = await client.GetFromJsonAsync<NotificationPage>("/notifications?page=2&pageSize=2", Ct);

        Assert.Equal(4, first!.Total);
        Assert.Equal(["Order order-2 confirmed", "Order order-1 confirmed"], first.Items.Select(n => n.Subject));
        Assert.Equal(["Order order-0 confirmed", "welcome"], second!.Items.Select(n => n.Template == "welcome" ? "welcome" : n.Subject));
        Assert.Single(await app.NotificationsOfAsync(bob));
    }

    [Theory]
    [InlineData("/notifications?page=0")]
    [InlineData("/notifications?pageSize=0")]
    [InlineData("/notifications?pageSize=101")]
    [InlineData("/notifications?page=abc")]
    public async Task Bad_paging_is_a_400_problem(string path)
    {
        using var client = app.Customer(Guid.NewGuid().ToString());

        using var response = await client.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Preferences_start_as_email_only_and_a_put_replaces_them_for_the_caller_alone()
    {
        var (alice, bob) = (Guid.NewGuid().ToString(), Guid.NewGuid().ToString());
        using var aliceClient = app.Customer(alice);
        using var bobClient = app.Customer(bob);

        Assert.Equal(new PreferencesResponse(true, false, false, null), await aliceClient.GetFromJsonAsync<PreferencesResponse>("/notifications/preferences", Ct));
        using var put = await aliceClient.PutAsJsonAsync("/notifications/preferences", new PreferencesRequest(false, true, true, " +447700900123 "), Ct);

        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var expected = new PreferencesResponse(false, true, true, "+447700900123");
        Assert.Equal(expected, await put.Content.ReadFromJsonAsync<PreferencesResponse>(Ct));
        Assert.Equal(expected, await aliceClient.GetFromJsonAsync<PreferencesResponse>("/notifications/preferences", Ct));
        Assert.Equal(new PreferencesResponse(true, false, false, null), await bobClient.GetFromJsonAsync<PreferencesResponse>("/notifications/preferences", Ct));
    }

    [Theory]
    [InlineData("""{"email":true,"sms":true,"push":false,"phone":"0044 7700 900123"}""")]
    [InlineData("""{"email":true,"sms":true,"push":false,"phone":"+1"}""")]
    [InlineData("""{"email":true,"sms":true}""")]
    [InlineData("""{"email":"yes","sms":true,"push":false}""")]
    [InlineData("""{"email":true,"sms":true,"push":false""")]
    [InlineData("""[]""")]
    [InlineData("")]
    public async Task Bad_preferences_are_a_400_problem_and_change_nothing(string body)
    {
        var userId = Guid.NewGuid().ToString();
        await app.SetPreferencesAsync(userId, new PreferencesRequest(false, false, true, "+14155550100"));
        using var client = app.Customer(userId);

        using var response = await client.PutAsync("/notifications/preferences", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new PreferencesResponse(false, false, true, "+14155550100"), await client.GetFromJsonAsync<PreferencesResponse>("/notifications/preferences", Ct));
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "PUT")
        {
            request.Content = JsonContent.Create(new PreferencesRequest(true, false, false, null));
        }

        return client.SendAsync(request, Ct);
    }
}
