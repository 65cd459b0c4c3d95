using DaprPlatform.Testing;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.PubSub;

/// <summary>What the sidecar makes of the app's GET /dapr/subscribe answer when it is not a plain list.</summary>
public sealed class SubscriptionDiscoveryTests
{
    private const string AppSubscriptions = """[{"pubsubname":"pubsub","topic":"from-app","route":"/from-app"}]""";

    [Theory]
    [InlineData(404, AppSubscriptions)]
    [InlineData(500, AppSubscriptions)]
    [InlineData(200, "{not a list")]
    [InlineData(200, """[{"pubsubname":"pubsub","topic":"t","routes":{"rules":[{"match":"event.type ==","path":"/x"}]}}]""")]
    public async Task An_answer_that_is_no_list_means_no_programmatic_subscriptions_but_declarative_ones_still_work(int status, string body)
    {
        await using var app = await SubscriberApp.StartAsync(body, status);
        using var resources = new ResourcesDirectory()
            .AddInMemoryPubSub()
            .AddSubscription("declared", "pubsub", "declared", "/declared");
        await using var sidecar = await SidecarProcess.StartAsync(
            new SidecarProcessOptions { AppId = "discovery", AppPort = app.Port, ResourcesPaths = [resources.Path] },
            TestContext.Current.CancellationToken);

        var subscriptions = await sidecar.WaitForSubscriptionsAsync(1);
        await sidecar.PublishOkAsync("pubsub", "declared", "{}");

        Assert.Equal("declared", Assert.Single(subscriptions.EnumerateArray()).GetProperty("topic").GetString());
        await app.NextAsync("/declared");
        Assert.Single(app.SubscribeRequests);
    }
}
