using System.Text;
using DaprPlatform.Sidecar.Runtime.PubSub;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.PubSub;

/// <summary>Reading GET /dapr/subscribe as daprd does (runtime/pubsub/subscriptions.go GetSubscriptionsHTTP).</summary>
public sealed class SubscribeResponseParserTests
{
    private static IReadOnlyList<AppSubscription> Parse(string json) => SubscribeResponseParser.Parse(Encoding.UTF8.GetBytes(json), out _);

    [Fact]
    public void V1_form_with_the_dot_net_sdks_camel_case_keys()
    {
        var s = Assert.Single(Parse("""
            [{"pubsubName":"pubsub","topic":"orders","route":"orders","deadLetterTopic":"poison","metadata":{"rawPayload":"true"},
              "bulkSubscribe":{"enabled":true,"maxMessagesCount":10,"maxAwaitDurationMs":40}}]
            """));

        Assert.Equal("pubsub", s.PubsubName);
        Assert.Equal("orders", s.Topic);
        var rule = Assert.Single(s.Rules);
        Assert.Null(rule.Match);
        Assert.Equal("orders", rule.Path);
        Assert.Equal("poison", s.DeadLetterTopic);
        Assert.Equal("true", s.Metadata["rawPayload"]);
        Assert.Equal(new BulkSubscribeOptions(true, 10, 40), s.BulkSubscribe);
        Assert.Equal(SubscriptionTypes.Programmatic, s.Type);
    }

    [Fact]
    public void V2_form_rules_in_order_then_the_default_which_wins_over_route()
    {
        var s = Assert.Single(Parse("""
            [{"PUBSUBNAME":"pubsub","Topic":"t","route":"/ignored","routes":{"rules":[
                {"match":"event.type == \"a\"","path":"/a"},
                {"match":"","path":"/always"},
                {"match":"event.type == \"b\"","path":"/b"}],"default":"/default"}}]
            """));

        Assert.Equal(["/a", "/always", "/b", "/default"], s.Rules.Select(r => r.Path));
        Assert.Equal("event.type == \"a\"", s.Rules[0].Match!.Text);
        Assert.Null(s.Rules[1].Match);
        Assert.Null(s.Rules[3].Match);
        Assert.Null(s.DeadLetterTopic);
    }

    [Fact]
    public void Rules_without_default_fall_back_to_route()
    {
        var s = Assert.Single(Parse("""[{"pubsubname":"p","topic":"t","route":"/r","routes":{"rules":[{"match":"event.type == \"a\"","path":"/a"}]}}]"""));

        Assert.Equal(["/a", "/r"], s.Rules.Select(r => r.Path));
    }

    [Fact]
    public void Item_without_any_route_is_left_out_and_reported()
    {
        var subscriptions = SubscribeResponseParser.Parse(
            Encoding.UTF8.GetBytes("""[{"pubsubname":"p","topic":"none"},{"pubsubname":"p","topic":"ok","route":"/ok"}]"""), out var withoutRoutes);

        Assert.Equal("ok", Assert.Single(subscriptions).Topic);
        Assert.Equal(["none"], withoutRoutes);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("null")]
    [InlineData("[]")]
    public void Empty_answers_mean_no_subscriptions(string body) => Assert.Empty(Parse(body));

    [Theory]
    [InlineData("{}")]
    [InlineData("[1]")]
    [InlineData("not json")]
    [InlineData("""[{"pubsubname":"p","topic":5,"route":"/r"}]""")]
    [InlineData("""[{"pubsubname":"p","topic":"t","route":"/r","metadata":{"n":1}}]""")]
    [InlineData("""[{"pubsubname":"p","topic":"t","routes":{"rules":[{"match":"event.type ==","path":"/a"}]}}]""")]
    [InlineData("""[{"pubsubname":"p","topic":"t","routes":{"rules":{}}}]""")]
    [InlineData("""[{"pubsubname":"p","topic":"t","route":"/r","bulkSubscribe":{"enabled":"yes"}}]""")]
    public void Malformed_answers_fail_the_whole_list(string body) => Assert.Throws<FormatException>(() => Parse(body));
}
