using DaprPlatform.Sidecar.Components;
using DaprPlatform.Sidecar.Components.PubSub.RabbitMQ;
using DaprPlatform.Sidecar.Resources;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.PubSub;

/// <summary>pubsub.rabbitmq metadata with components-contrib's defaults and validation, and the queue layout it implies.</summary>
public sealed class RabbitMqMetadataTests
{
    private static RabbitMqMetadata Parse(Dictionary<string, string> values, string appId = "my-app") =>
        RabbitMqMetadata.Parse(new ComponentMetadata(values, "pubsub.yaml"), appId);

    [Fact]
    public void Defaults_are_the_components_code_defaults()
    {
        var m = Parse(new() { ["connectionString"] = "amqp://guest:guest@rabbit:5672" });

        Assert.Equal("my-app", m.ConsumerId);
        Assert.True(m.Durable);
        Assert.True(m.DeletedWhenUnused);
        Assert.False(m.AutoAck);
        Assert.False(m.RequeueInFailure);
        Assert.False(m.EnableDeadLetter);
        Assert.False(m.PublisherConfirm);
        Assert.Equal(0, m.DeliveryMode);
        Assert.Equal(0, m.PrefetchCount);
        Assert.Equal("fanout", m.ExchangeKind);
        Assert.Equal(TimeSpan.FromSeconds(3), m.ReconnectWait);
        Assert.Equal(TimeSpan.FromSeconds(10), m.HeartBeat);
        Assert.Equal(RabbitMqConcurrency.Parallel, m.Concurrency);
        Assert.Null(m.DefaultMessageTtl);
        Assert.Equal(new Uri("amqp://guest:guest@rabbit:5672"), m.ConnectionUri);
    }

    [Fact]
    public void Values_are_read_without_regard_to_case()
    {
        var m = Parse(new()
        {
            ["connectionString"] = "amqp://localhost", ["consumerID"] = "group", ["DURABLE"] = "false", ["deletedWhenUnused"] = "false",
            ["autoAck"] = "true", ["requeueInFailure"] = "true", ["enableDeadLetter"] = "true", ["publisherConfirm"] = "true",
            ["deliveryMode"] = "2", ["prefetchCount"] = "10", ["exchangeKind"] = "topic", ["reconnectWaitSeconds"] = "5",
            ["heartBeat"] = "30s", ["concurrencyMode"] = "single", ["ttlInSeconds"] = "60", ["maxLen"] = "100", ["maxLenBytes"] = "2048",
            ["publishMessagePropertiesToMetadata"] = "true", ["clientName"] = "me",
        });

        Assert.Equal("group", m.ConsumerId);
        Assert.False(m.Durable);
        Assert.False(m.DeletedWhenUnused);
        Assert.True(m.AutoAck && m.RequeueInFailure && m.EnableDeadLetter && m.PublisherConfirm && m.PublishMessagePropertiesToMetadata);
        Assert.Equal(2, m.DeliveryMode);
        Assert.Equal(10, m.PrefetchCount);
        Assert.Equal("topic", m.ExchangeKind);
        Assert.Equal(TimeSpan.FromSeconds(5), m.ReconnectWait);
        Assert.Equal(TimeSpan.FromSeconds(30), m.HeartBeat);
        Assert.Equal(RabbitMqConcurrency.Single, m.Concurrency);
        Assert.Equal(TimeSpan.FromSeconds(60), m.DefaultMessageTtl);
        Assert.Equal(100, m.MaxLen);
        Assert.Equal(2048, m.MaxLenBytes);
        Assert.Equal("me", m.ClientName);
    }

    [Fact]
    public void Hostname_and_credentials_build_the_url()
    {
        var m = Parse(new() { ["hostname"] = "rabbit:5673", ["username"] = "u", ["password"] = "p@ss", ["protocol"] = "amqp" });

        Assert.Equal("rabbit", m.ConnectionUri.Host);
        Assert.Equal(5673, m.ConnectionUri.Port);
        Assert.Equal("u:p%40ss", m.ConnectionUri.UserInfo);
    }

    [Fact]
    public void Deprecated_host_is_the_connection_string() =>
        Assert.Equal("old-host", Parse(new() { ["host"] = "amqp://old-host" }).ConnectionUri.Host);

    [Theory]
    [InlineData("connectionString", "http://rabbit")]
    [InlineData("deliveryMode", "3")]
    [InlineData("prefetchCount", "256")]
    [InlineData("exchangeKind", "nope")]
    [InlineData("ttlInSeconds", "abc")]
    [InlineData("concurrencyMode", "both")]
    [InlineData("durable", "maybe")]
    public void Invalid_values_fail_naming_the_field(string field, string value)
    {
        var values = new Dictionary<string, string> { ["connectionString"] = "amqp://rabbit", [field] = value };

        var error = Assert.Throws<ResourceException>(() => Parse(values));

        Assert.Equal($"spec.metadata.{field}", error.Field);
    }

    [Fact]
    public void Protocol_that_contradicts_the_connection_string_is_refused()
    {
        var error = Assert.Throws<ResourceException>(() => Parse(new() { ["connectionString"] = "amqp://rabbit", ["protocol"] = "amqps" }));

        Assert.Equal("spec.metadata.protocol", error.Field);
    }

    [Fact]
    public void Invalid_connection_string_is_not_repeated_in_the_error()
    {
        var error = Assert.Throws<ResourceException>(() => Parse(new() { ["connectionString"] = "ftp://user:secret@rabbit" }));

        Assert.DoesNotContain("secret", error.Message);
    }

    [Fact]
    public void Topology_default_queue_is_classic_bound_with_the_empty_key()
    {
        var t = RabbitMqQueueTopology.Create(Parse(new() { ["connectionString"] = "amqp://r" }), "orders", "app-orders", new Dictionary<string, string>());

        Assert.Equal("orders", t.Exchange);
        Assert.Equal("app-orders", t.QueueName);
        Assert.Equal(new Dictionary<string, object?> { ["x-queue-type"] = "classic" }, t.QueueArguments);
        Assert.Equal([""], t.RoutingKeys);
        Assert.Null(t.DeadLetterExchange);
        Assert.Null(t.DeadLetterQueue);
    }

    [Fact]
    public void Topology_with_dead_lettering_and_subscription_arguments()
    {
        var component = Parse(new() { ["connectionString"] = "amqp://r", ["enableDeadLetter"] = "true", ["maxLen"] = "10", ["maxLenBytes"] = "999" });
        var t = RabbitMqQueueTopology.Create(component, "orders", "q", new Dictionary<string, string>
        {
            ["maxPriority"] = "300", ["queueType"] = "quorum", ["singleActiveConsumer"] = "yes", ["maxLen"] = "5", ["routingKey"] = "a,b",
        });

        Assert.Equal("dlx-q", t.DeadLetterExchange);
        Assert.Equal("dlq-q", t.DeadLetterQueue);
        Assert.Equal(new Dictionary<string, object?> { ["x-max-length"] = 10L, ["x-max-length-bytes"] = 999L, ["x-queue-mode"] = "lazy" }, t.DeadLetterQueueArguments);
        Assert.Equal(new Dictionary<string, object?>
        {
            ["x-dead-letter-exchange"] = "dlx-q",
            ["x-max-length"] = 5L,
            ["x-max-length-bytes"] = 999L,
            ["x-max-priority"] = 255,
            ["x-queue-type"] = "quorum",
            ["x-single-active-consumer"] = true,
        }, t.QueueArguments);
        Assert.Equal(["a", "b"], t.RoutingKeys);
    }

    [Theory]
    [InlineData("queueType", "stream")]
    [InlineData("maxPriority", "high")]
    [InlineData("maxLen", "-1")]
    public void Topology_refuses_invalid_subscription_metadata(string key, string value) =>
        Assert.Throws<ArgumentException>(() => RabbitMqQueueTopology.Create(
            Parse(new() { ["connectionString"] = "amqp://r" }), "t", "q", new Dictionary<string, string> { [key] = value }));
}
