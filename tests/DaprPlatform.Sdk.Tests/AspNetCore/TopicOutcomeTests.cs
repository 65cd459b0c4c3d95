using System.Text;
using DaprPlatform.Dapr.AspNetCore;
using DaprPlatform.Sdk.Tests.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Sdk.Tests.AspNetCore;

public sealed class TopicOutcomeTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Event(string data) =>
        $$"""{"specversion":"1.0","id":"evt-7","source":"s","type":"com.dapr.event.sent","datacontenttype":"application/json","topic":"orders","pubsubname":"pubsub","data":{{data}}}""";

    [Theory]
    [InlineData("/success", "SUCCESS")]
    [InlineData("/retry", "RETRY")]
    [InlineData("/drop", "DROP")]
    public async Task TopicResults_answer_200_with_daprd_status(string path, string status)
    {
        await using var app = await TestApp.StartAsync(app =>
        {
            app.UseCloudEvents();
            app.MapPost("/success", (Order order) => TopicResults.Success()).WithTopic("pubsub", "a");
            app.MapPost("/retry", (Order order) => TopicResults.Retry()).WithTopic("pubsub", "b");
            app.MapPost("/drop", (Order order) => TopicResults.Drop()).WithTopic("pubsub", "c");
        });

        var response = await app.GetTestClient().PostCloudEventAsync(path, Event("""{"id":"o","quantity":1}"""));

        await AssertStatusAsync(response, status);
    }

    [Fact]
    public async Task An_exception_in_a_subscribed_handler_becomes_RETRY()
    {
        await using var app = await TestApp.StartAsync(app =>
        {
            app.UseCloudEvents();
            app.MapPost("/orders", Ok<TopicResponse> (Order order) => throw new TimeoutException("database busy")).WithTopic("pubsub", "orders");
        });

        var response = await app.GetTestClient().PostCloudEventAsync("/orders", Event("""{"id":"o","quantity":1}"""));

        await AssertStatusAsync(response, "RETRY");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Event_data_that_does_not_deserialize_becomes_DROP(bool throwOnBadRequest)
    {
        await using var app = await TestApp.StartAsync(
            app =>
            {
                app.UseCloudEvents();
                app.MapPost("/orders", (Order order) => TopicResults.Success()).WithTopic("pubsub", "orders");
            },
            builder => builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = throwOnBadRequest));

        var response = await app.GetTestClient().PostCloudEventAsync("/orders", Event("""{"id":"o","quantity":"many"}"""));

        await AssertStatusAsync(response, "DROP");
    }

    [Theory]
    [InlineData("""{"specversion":"1.0","id":"x","data":{"id":"o","quantity":1}""")]
    [InlineData("""{"specversion":"1.0","id":"x","source":"s","type":"t"}""")]
    [InlineData("""{"specversion":"1.0","id":"x","datacontenttype":"application/octet-stream","data_base64":"AQID"}""")]
    public async Task A_malformed_envelope_or_missing_or_non_json_data_becomes_DROP(string cloudEvent)
    {
        await using var app = await TestApp.StartAsync(app =>
        {
            app.UseCloudEvents();
            app.MapPost("/orders", [Topic("pubsub", "orders")] (Order order) => TopicResults.Success());
        });

        var response = await app.GetTestClient().PostCloudEventAsync("/orders", cloudEvent);

        await AssertStatusAsync(response, "DROP");
    }

    [Fact]
    public async Task A_handler_answer_without_a_topic_status_passes_through()
    {
        await using var app = await TestApp.StartAsync(app =>
        {
            app.UseCloudEvents();
            app.MapPost("/orders", (Order order) => Results.Accepted()).WithTopic("pubsub", "orders");
        });

        var response = await app.GetTestClient().PostCloudEventAsync("/orders", Event("""{"id":"o","quantity":1}"""));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Exceptions_of_endpoints_without_a_topic_are_not_rewritten()
    {
        await using var app = await TestApp.StartAsync(app =>
        {
            app.UseCloudEvents();
            app.MapPost("/orders", string (Order order) => throw new InvalidOperationException("plain endpoint failure"));
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            app.GetTestClient().PostCloudEventAsync("/orders", Event("""{"id":"o","quantity":1}""")));

        Assert.Equal("plain endpoint failure", error.Message);
    }

    [Fact]
    public async Task Subscriber_answers_serialize_in_apps_with_source_generated_json_only()
    {
        await using var app = await TestApp.StartAsync(
            app =>
            {
                app.UseCloudEvents();
                app.MapPost("/orders", (HttpContext context) => TopicResults.Drop()).WithTopic("pubsub", "orders");
            },
            builder =>
            {
                builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Clear());
                builder.Services.AddDapr(o => o.HttpEndpoint = "http://127.0.0.1:3500");
            });

        var response = await app.GetTestClient().PostCloudEventAsync("/orders", Event("1"));

        await AssertStatusAsync(response, "DROP");
    }

    private static async Task AssertStatusAsync(HttpResponseMessage response, string status)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonAssert.Equal($$"""{"status":"{{status}}"}""", await response.Content.ReadAsStringAsync(Ct));
    }
}
