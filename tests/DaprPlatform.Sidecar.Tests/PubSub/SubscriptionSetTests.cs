using DaprPlatform.Sidecar.Resources;
using DaprPlatform.Sidecar.Runtime.PubSub;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.PubSub;

/// <summary>Declarative and programmatic subscriptions combined as daprd's component store lists them.</summary>
public sealed class SubscriptionSetTests
{
    private static AppSubscription Sub(string pubsub, string topic, string path, string type) =>
        new(pubsub, topic, [new SubscriptionRule(null, path)], null, new Dictionary<string, string>(), null, type);

    [Fact]
    public void Programmatic_replaces_declarative_for_the_same_topic_and_the_first_declarative_wins()
    {
        var merged = SubscriptionSet.Merge(
            [Sub("p", "a", "/decl-a", SubscriptionTypes.Declarative), Sub("p", "a", "/decl-a2", SubscriptionTypes.Declarative),
             Sub("p", "b", "/decl-b", SubscriptionTypes.Declarative), Sub("q", "a", "/q-a", SubscriptionTypes.Declarative)],
            [Sub("p", "a", "/prog-a", SubscriptionTypes.Programmatic), Sub("p", "c", "/prog-c", SubscriptionTypes.Programmatic)]);

        Assert.Equal(
            ["p/a /prog-a", "p/b /decl-b", "q/a /q-a", "p/c /prog-c"],
            merged.Select(s => $"{s.PubsubName}/{s.Topic} {s.Rules[0].Path}"));
    }

    [Fact]
    public void From_resource_keeps_rules_then_the_default()
    {
        var resource = new SubscriptionResource(
            "s", null, "pubsub", "orders", [new RouteRule("event.type == \"x\"", "/x")], "/default", "dead",
            new Dictionary<string, string> { ["rawPayload"] = "true" }, false, [], "s.yaml");

        var s = SubscriptionSet.FromResource(resource);

        Assert.Equal(["/x", "/default"], s.Rules.Select(r => r.Path));
        Assert.NotNull(s.Rules[0].Match);
        Assert.Equal("dead", s.DeadLetterTopic);
        Assert.Equal("true", s.Metadata["rawPayload"]);
        Assert.Equal(SubscriptionTypes.Declarative, s.Type);
        Assert.Null(s.BulkSubscribe);
    }

    [Fact]
    public void Find_route_takes_the_first_matching_rule()
    {
        var s = new AppSubscription(
            "p", "t",
            [SubscriptionRule.Create("event.data.n > 5", "/big"), SubscriptionRule.Create("event.type == \"t\"", "/typed")],
            null, new Dictionary<string, string>(), null, SubscriptionTypes.Programmatic);

        Assert.Equal("/big", s.FindRoute(Json("""{"type":"t","data":{"n":9}}"""))?.Path);
        Assert.Equal("/typed", s.FindRoute(Json("""{"type":"t","data":{"n":1}}"""))?.Path);
        Assert.Null(s.FindRoute(Json("""{"type":"u"}""")));
    }

    private static System.Text.Json.JsonElement Json(string json) => System.Text.Json.JsonDocument.Parse(json).RootElement;
}
