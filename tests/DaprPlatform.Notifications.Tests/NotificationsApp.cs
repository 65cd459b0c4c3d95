using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using DaprPlatform.IntegrationEvents;
using DaprPlatform.Notifications.Apis;
using DaprPlatform.Notifications.Events;
using DaprPlatform.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace DaprPlatform.Notifications.Tests;

/// <summary>
/// The notifications service in memory (TestServer) on a PostgreSQL database of its own, migrated at start, trusting
/// <see cref="TestTokens"/>. Its sidecar address leads nowhere: a publish (a redrive) fails as it would with the sidecar
/// down.
/// </summary>
public sealed class NotificationsApp(InfraFixture infra) : IAsyncLifetime
{
    private const string Nowhere = "http://127.0.0.1:1";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WebApplicationFactory<Program>? _factory;

    public HttpClient Anonymous { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var connectionString = await infra.CreateDatabaseAsync("notifications", Ct);
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("ConnectionStrings:notificationsdb", connectionString)
            .UseSetting("Jwt:PublicKeyPem", TestTokens.PublicKeyPem)
            .UseSetting("DAPR_HTTP_ENDPOINT", Nowhere)
            .UseSetting("DAPR_GRPC_ENDPOINT", Nowhere));
        Anonymous = _factory.CreateClient();
    }

    /// <summary>A client that sends <paramref name="token"/> as its bearer token.</summary>
    public HttpClient As(string token)
    {
        var client = _factory!.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public HttpClient Customer(string userId) => As(TestTokens.Customer(userId));

    public HttpClient Admin() => As(TestTokens.Admin($"admin-{Guid.NewGuid():N}"));

    /// <summary>Posts <paramref name="data"/> to <paramref name="route"/> as the sidecar delivers an event published on <paramref name="topic"/>.</summary>
    public Task<HttpResponseMessage> DeliverAsync<T>(string route, string topic, T data, string? cloudEventId = null) =>
        Anonymous.PostAsync(route, CloudEvents.Content(CloudEvents.Envelope(topic, data, cloudEventId)), Ct);

    public async Task<UserRegistered> RegisterAsync(string userId, string? email = null)
    {
        var registered = new UserRegistered(Guid.NewGuid(), userId, email ?? $"{userId}@example.test", "Ada Lovelace", DateTimeOffset.UtcNow);
        using var response = await DeliverAsync("/events/user-registered", Topics.UserRegistered, registered);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return registered;
    }

    public async Task SetPreferencesAsync(string userId, PreferencesRequest preferences)
    {
        using var client = Customer(userId);
        using var response = await client.PutAsJsonAsync("/notifications/preferences", preferences, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The user's notifications as they see them (newest first).</summary>
    public async Task<IReadOnlyList<NotificationItem>> NotificationsOfAsync(string userId)
    {
        using var client = Customer(userId);
        return (await client.GetFromJsonAsync<NotificationPage>($"/notifications?pageSize={NotificationsApi.MaxPageSize}", Ct))!.Items;
    }

    public static async Task AssertDroppedAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SubscriptionStatus.Drop, await response.Content.ReadFromJsonAsync<SubscriptionStatus>(Ct));
    }

    public async ValueTask DisposeAsync()
    {
        Anonymous?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }
    }
}
