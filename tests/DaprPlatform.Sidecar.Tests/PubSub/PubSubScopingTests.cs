using DaprPlatform.Sidecar.Components.PubSub;
using DaprPlatform.Sidecar.Resources;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.PubSub;

/// <summary>Topic scoping as daprd's IsOperationAllowed evaluates it (dapr pkg/runtime/pubsub/adapter.go, pkg/scopes).</summary>
public sealed class PubSubScopingTests
{
    private static PubSubScoping Scoping(string appId, params (string Name, string Value)[] metadata) =>
        PubSubScoping.From(
            new ComponentResource("p", null, "pubsub.in-memory", "v1", TimeSpan.Zero, false,
                metadata.Select(m => new MetadataItem(m.Name, m.Value, null, null)).ToList(), null, [], "p.yaml"),
            appId);

    [Fact]
    public void No_scoping_allows_everything()
    {
        var s = Scoping("app");

        Assert.True(s.CanPublish("any"));
        Assert.True(s.CanSubscribe("any"));
    }

    [Fact]
    public void App_scopes_limit_the_listed_app_only()
    {
        var s = Scoping("app1", ("publishingScopes", "app1=t1,t2; app2=t3"), ("subscriptionScopes", "app2=t1"));

        Assert.True(s.CanPublish("t1"));
        Assert.True(s.CanPublish("t2"));
        Assert.False(s.CanPublish("t3"));
        Assert.True(s.CanSubscribe("anything"));
    }

    [Fact]
    public void App_listed_with_no_topics_may_use_none()
    {
        Assert.False(Scoping("app1", ("publishingScopes", "app1=")).CanPublish("t1"));
    }

    [Fact]
    public void App_listed_without_equals_is_ignored()
    {
        Assert.True(Scoping("app1", ("publishingScopes", "app1")).CanPublish("t1"));
    }

    [Fact]
    public void Several_entries_for_one_app_are_merged()
    {
        var s = Scoping("app1", ("publishingScopes", "app1=a;app1=b"));

        Assert.True(s.CanPublish("a"));
        Assert.True(s.CanPublish("b"));
        Assert.False(s.CanPublish("c"));
    }

    [Fact]
    public void Allowed_topics_refuse_others_even_when_the_app_scope_lists_them()
    {
        var s = Scoping("app1", ("allowedTopics", "a,b"), ("PublishingScopes", "app1=a,c"));

        Assert.True(s.CanPublish("a"));
        Assert.False(s.CanPublish("b"));
        Assert.False(s.CanPublish("c"));
        Assert.True(s.CanSubscribe("b"));
        Assert.False(s.CanSubscribe("c"));
    }

    [Fact]
    public void Protected_topics_need_an_explicit_scope()
    {
        var s = Scoping("app1", ("protectedTopics", "secret"), ("subscriptionScopes", "app1=secret"));

        Assert.False(s.CanPublish("secret"));
        Assert.True(s.CanPublish("open"));
        Assert.True(s.CanSubscribe("secret"));
        Assert.False(s.CanSubscribe("open"));
    }
}
