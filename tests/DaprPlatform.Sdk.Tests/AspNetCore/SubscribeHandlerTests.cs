using DaprPlatform.Dapr.AspNetCore;
using DaprPlatform.Sdk.Tests.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;

namespace DaprPlatform.Sdk.Tests.AspNetCore;

public sealed class SubscribeHandlerTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_topic_without_rules_is_advertised_in_the_v1_route_form()
    {
        await using var app = await TestApp.StartAsync(app =>
        {
            app.MapSubscribeHandler();
            app.MapPost("/orders", (Order order) => TopicResults.Success())
                .WithTopic("pubsub", "orders", deadLetterTopic: "poison", metadata: new Dictionary<string, string> { ["rawPayload"] = "true" });
            app.MapGet("/orders", () => "not a subscription");
        });

        var response = await app.GetTestClient().GetAsync("/dapr/subscribe", Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        JsonAssert.Equal(
            """[{"pubsubname":"pubsub","topic":"orders","route":"/orders","deadLetterTopic":"poison","metadata":{"rawPayload":"true"}}]""",
            await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Match_rules_are_grouped_per_topic_into_the_v2_routes_form_ordered_by_priority()
    {
        await using var app = await TestApp.StartAsync(app =>
        {
            app.MapSubscribeHandler();
            app.MapPost("/inventory", () => TopicResults.Success()).WithTopic("pubsub", "inventory");
            app.MapPost("/widgets", () => TopicResults.Success()).WithTopic("pubsub", "inventory", match: "event.type == \"widget\"", priority: 2);
            app.MapPost("/gadgets", () => TopicResults.Success()).WithTopic("pubsub", "inventory", match: "event.type == \"gadget\"", priority: 1);
            app.MapPost("/other-bus", () => TopicResults.Success()).WithTopic("kafka", "inventory");
        });

        var json = await app.GetTestClient().GetStringAsync("/dapr/subscribe", Ct);

        JsonAssert.Equal("""
            [{"pubsubname":"pubsub","topic":"inventory",
              "routes":{"rules":[{"match":"event.type == \"gadget\"","path":"/gadgets"},
                                 {"match":"event.type == \"widget\"","path":"/widgets"}],
                        "default":"/inventory"}},
             {"pubsubname":"kafka","topic":"inventory","route":"/other-bus"}]
            """, json);
    }

    [Fact]
    public async Task Topic_attributes_on_minimal_api_delegates_and_route_groups_are_discovered()
    {
        await using var app = await TestApp.StartAsync(app =>
        {
            var events = app.MapGroup("/events");
            events.MapPost("/payments", [Topic("pubsub", "payments", DeadLetterTopic = "payments-dlq")][TopicMetadata("rawPayload", "true")] (HttpContext context) =>
                TopicResults.Success());
            events.MapPost("/refunds", [Topic("pubsub", "payments", Match = "event.type == \"refund\"")] () => TopicResults.Success());
            app.MapSubscribeHandler();
        });

        var json = await app.GetTestClient().GetStringAsync("/dapr/subscribe", Ct);

        JsonAssert.Equal("""
            [{"pubsubname":"pubsub","topic":"payments",
              "routes":{"rules":[{"match":"event.type == \"refund\"","path":"/events/refunds"}],"default":"/events/payments"},
              "deadLetterTopic":"payments-dlq","metadata":{"rawPayload":"true"}}]
            """, json);
    }

    [Fact]
    public async Task An_app_without_subscriptions_answers_an_empty_list()
    {
        await using var app = await TestApp.StartAsync(app =>
        {
            app.MapSubscribeHandler();
            app.MapGet("/", () => "hi");
        });

        JsonAssert.Equal("[]", await app.GetTestClient().GetStringAsync("/dapr/subscribe", Ct));
    }

    [Fact]
    public async Task Two_default_routes_for_one_topic_are_a_configuration_error()
    {
        await using var app = await TestApp.StartAsync(app =>
        {
            app.MapSubscribeHandler();
            app.MapPost("/a", () => TopicResults.Success()).WithTopic("pubsub", "orders");
            app.MapPost("/b", () => TopicResults.Success()).WithTopic("pubsub", "orders");
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.GetTestClient().GetAsync("/dapr/subscribe", Ct));

        Assert.Contains("several routes without a match rule", error.Message);
    }

    [Fact]
    public async Task Different_dead_letter_topics_for_one_topic_are_a_configuration_error()
    {
        await using var app = await TestApp.StartAsync(app =>
        {
            app.MapSubscribeHandler();
            app.MapPost("/a", () => TopicResults.Success()).WithTopic("pubsub", "orders", deadLetterTopic: "dlq-1");
            app.MapPost("/b", () => TopicResults.Success()).WithTopic("pubsub", "orders", deadLetterTopic: "dlq-2", match: "event.type == \"b\"");
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.GetTestClient().GetAsync("/dapr/subscribe", Ct));

        Assert.Contains("different dead-letter topics", error.Message);
    }

    [Fact]
    public async Task A_subscribed_route_with_parameters_is_a_configuration_error()
    {
        await using var app = await TestApp.StartAsync(app =>
        {
            app.MapSubscribeHandler();
            app.MapPost("/orders/{id}", (string id) => TopicResults.Success()).WithTopic("pubsub", "orders");
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.GetTestClient().GetAsync("/dapr/subscribe", Ct));

        Assert.Contains("has parameters", error.Message);
    }
}
