using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Dapr.Client;
using DaprPlatform.Notifications.Apis;
using DaprPlatform.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Notifications.Tests;

/// <summary>
/// The notifications service as it runs for real: on Kestrel (a real port) behind its own sidecar process, subscribed
/// on RabbitMQ through a pubsub.rabbitmq component, with an inbound retry policy short enough that a refused event
/// reaches the dead-letter topic in well under a second. Events are published with the app's own DaprClient. The
/// subscriptions are the platform's own (components/subscriptions.yaml), scoped to this run's app id.
/// </summary>
public sealed class LiveNotificationsApp(InfraFixture infra) : IAsyncLifetime
{
    public const int InboundRetries = 2;
    private const int Subscriptions = 4;
    private static readonly TimeSpan SubscriptionsTimeout = TimeSpan.FromSeconds(30);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly ResourcesDirectory _resources = new();
    private WebApplicationFactory<Program>? _factory;

    public SidecarProcess Sidecar { get; private set; } = null!;

    public DaprClient Publisher => _factory!.Services.GetRequiredService<DaprClient>();

    public async ValueTask InitializeAsync()
    {
        var connectionString = await infra.CreateDatabaseAsync("notifications_live", Ct);
        // A unique app id per run: its RabbitMQ queues ({appid}-{topic}) are its own.
        var appId = infra.UniqueName("notifications");
        var subscriptions = (await File.ReadAllTextAsync(DeclaredSubscriptions.FilePath, Ct))
            .Replace("scopes:\n- notifications\n", $"scopes:\n- {appId}\n", StringComparison.Ordinal);
        Assert.Equal(Subscriptions, subscriptions.Split($"- {appId}\n").Length - 1);
        _resources.AddFile("subscriptions.yaml", subscriptions);
        // The platform's own pub/sub component: the topics' exchanges are the platform's, and RabbitMQ refuses a second
        // declaration of an exchange with other settings (durable, auto-delete).
        _resources.AddFile("pubsub.yaml", await File.ReadAllTextAsync(RepositoryRoot.Combine("components", "pubsub.yaml"), Ct)).AddFile("resiliency.yaml", $"""
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: notifications-tests
            spec:
              policies:
                retries:
                  quick:
                    policy: constant
                    duration: 50ms
                    maxRetries: {InboundRetries}
              targets:
                components:
                  pubsub:
                    inbound:
                      retry: quick
            """);
        var (appPort, httpPort, grpcPort) = (FreePort.Get(), FreePort.Get(), FreePort.Get());
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(web => web
            .UseSetting("ConnectionStrings:notificationsdb", connectionString)
            .UseSetting("Jwt:PublicKeyPem", TestTokens.PublicKeyPem)
            .UseSetting("DAPR_HTTP_ENDPOINT", $"http://127.0.0.1:{httpPort.ToString(CultureInfo.InvariantCulture)}")
            .UseSetting("DAPR_GRPC_ENDPOINT", $"http://127.0.0.1:{grpcPort.ToString(CultureInfo.InvariantCulture)}")
            .UseSetting("urls", $"http://127.0.0.1:{appPort.ToString(CultureInfo.InvariantCulture)}"));
        _factory.UseKestrel();
        _factory.StartServer();

        // Started after the app is listening, as `dapr run` does: the sidecar subscribes and delivers at once.
        Sidecar = await SidecarProcess.StartAsync(
            new SidecarProcessOptions
            {
                AppId = appId,
                AppPort = appPort,
                HttpPort = httpPort,
                GrpcPort = grpcPort,
                ResourcesPaths = [_resources.Path],
                Environment = new Dictionary<string, string?> { ["DAPRPLATFORM_AMQP_URI"] = infra.AmqpUri },
            },
            Ct);
        var subscribed = await Eventually.ReturnsAsync(
            async () => (await Sidecar.HttpClient.GetFromJsonAsync<JsonElement>("v1.0/metadata", Ct)).GetProperty("subscriptions").GetArrayLength() >= Subscriptions,
            SubscriptionsTimeout);
        Assert.True(subscribed, $"the sidecar did not subscribe to {Subscriptions} topics within {SubscriptionsTimeout}.\n{Sidecar.Output}");
    }

    public HttpClient As(string token)
    {
        var client = _factory!.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public HttpClient Admin() => As(TestTokens.Admin($"admin-{Guid.NewGuid():N}"));

    public async Task<IReadOnlyList<NotificationItem>> NotificationsOfAsync(string userId)
    {
        using var client = As(TestTokens.Customer(userId));
        return (await client.GetFromJsonAsync<NotificationPage>($"/notifications?pageSize={NotificationsApi.MaxPageSize}", Ct))!.Items;
    }

    /// <summary>What Prometheus scrapes from the app (no token: /metrics is open).</summary>
    public async Task<string> MetricsAsync()
    {
        using var client = _factory!.CreateClient();
        return await client.GetStringAsync("/metrics", Ct);
    }

    public async Task<DeadLetterItem?> DeadLetterAsync(string messageKey)
    {
        using var admin = Admin();
        var page = await admin.GetFromJsonAsync<DeadLetterPage>($"/notifications/dead-letters?pageSize={DeadLettersApi.MaxPageSize}", Ct);
        return page!.Items.SingleOrDefault(d => d.MessageKey == messageKey);
    }

    public async ValueTask DisposeAsync()
    {
        if (Sidecar is not null)
        {
            await Sidecar.DisposeAsync();
        }

        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        _resources.Dispose();
    }
}
