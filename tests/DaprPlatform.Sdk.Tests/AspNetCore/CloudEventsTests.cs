using System.Text;
using DaprPlatform.Dapr.AspNetCore;
using DaprPlatform.Sdk.Tests.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.TestHost;

namespace DaprPlatform.Sdk.Tests.AspNetCore;

public sealed class CloudEventsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const string OrderEvent = """
        {"specversion":"1.0","id":"evt-1","source":"ordering","type":"com.dapr.event.sent","datacontenttype":"application/json",
         "topic":"orders","pubsubname":"pubsub","traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
         "tracestate":"","time":"2030-01-02T03:04:05Z","tenant":"t1","data":{"id":"o-1","quantity":3}}
        """;

    [Fact]
    public async Task The_data_binds_to_the_typed_parameter_and_the_envelope_stays_accessible()
    {
        await using var app = await TestApp.StartAsync(app =>
        {
            app.UseCloudEvents();
            app.MapPost("/orders", (Order order, CloudEventEnvelope envelope, HttpContext context) => TypedResults.Ok(new
            {
                order,
                envelope.Id,
                envelope.Source,
                envelope.Type,
                envelope.Topic,
                envelope.PubsubName,
                envelope.TraceParent,
                envelope.Time,
                Tenant = envelope.Extensions["tenant"].GetString(),
                SameAsFeature = ReferenceEquals(envelope, context.GetCloudEvent()),
                context.Request.ContentType,
            })).WithTopic("pubsub", "orders");
        });

        var response = await app.GetTestClient().PostCloudEventAsync("/orders", OrderEvent);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        JsonAssert.Equal("""
            {"order":{"id":"o-1","quantity":3},"id":"evt-1","source":"ordering","type":"com.dapr.event.sent","topic":"orders",
             "pubsubName":"pubsub","traceParent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
             "time":"2030-01-02T03:04:05+00:00","tenant":"t1","sameAsFeature":true,"contentType":"application/json"}
            """, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task String_data_with_a_text_content_type_arrives_as_plain_text()
    {
        await using var app = await StartEchoAppAsync();

        var response = await app.GetTestClient().PostCloudEventAsync("/echo",
            """{"specversion":"1.0","id":"1","source":"s","type":"t","datacontenttype":"text/plain","data":"hello \"world\""}""");

        Assert.Equal("text/plain|hello \"world\"", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task String_data_with_a_json_content_type_stays_a_json_string()
    {
        await using var app = await TestApp.StartAsync(app =>
        {
            app.UseCloudEvents();
            app.MapPost("/text", ([FromBody] string text) => text.ToUpperInvariant());
        });

        var response = await app.GetTestClient().PostCloudEventAsync("/text",
            """{"specversion":"1.0","id":"1","source":"s","type":"t","datacontenttype":"application/json","data":"hello"}""");

        Assert.Equal("HELLO", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_missing_datacontenttype_means_json()
    {
        await using var app = await StartEchoAppAsync();

        var response = await app.GetTestClient().PostCloudEventAsync("/echo",
            """{"specversion":"1.0","id":"1","source":"s","type":"t","data":[1, 2.50, "x"]}""");

        Assert.Equal("application/json|[1, 2.50, \"x\"]", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Data_base64_is_decoded_to_the_raw_bytes()
    {
        await using var app = await StartEchoAppAsync();
        var payload = Convert.ToBase64String(Encoding.UTF8.GetBytes("raw bytes \u00e9"));

        var response = await app.GetTestClient().PostCloudEventAsync("/echo",
            $$"""{"specversion":"1.0","id":"1","source":"Dapr","type":"com.dapr.event.sent","datacontenttype":"application/octet-stream","data_base64":"{{payload}}"}""");

        Assert.Equal("application/octet-stream|raw bytes \u00e9", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task A_raw_payload_subscription_binds_json_bytes_that_daprd_wrapped_as_octet_stream()
    {
        await using var app = await TestApp.StartAsync(app =>
        {
            app.UseCloudEvents();
            app.MapPost("/raw", (Order order) => order.Id)
                .WithTopic("pubsub", "raw", metadata: new Dictionary<string, string> { ["rawPayload"] = "true" });
            app.MapPost("/raw-text", async (HttpRequest request) => $"{request.ContentType}|{await new StreamReader(request.Body).ReadToEndAsync()}")
                .WithTopic("pubsub", "raw-text", metadata: new Dictionary<string, string> { ["rawPayload"] = "true" });
        });
        var client = app.GetTestClient();

        var json = await client.PostCloudEventAsync("/raw", RawPayloadEnvelope("""{"id":"from-legacy","quantity":1}"""));
        var text = await client.PostCloudEventAsync("/raw-text", RawPayloadEnvelope("not json"));

        Assert.Equal("from-legacy", await json.Content.ReadAsStringAsync(Ct));
        Assert.Equal("application/octet-stream|not json", await text.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>The envelope daprd builds around a rawPayload subscription's message (FromRawPayload).</summary>
    private static string RawPayloadEnvelope(string payload) =>
        $$"""{"specversion":"1.0","id":"r","source":"Dapr","type":"com.dapr.event.sent","topic":"raw","pubsubname":"pubsub","datacontenttype":"application/octet-stream","data_base64":"{{Convert.ToBase64String(Encoding.UTF8.GetBytes(payload))}}"}""";

    [Fact]
    public async Task An_event_without_data_binds_an_optional_parameter_to_null()
    {
        await using var app = await TestApp.StartAsync(app =>
        {
            app.UseCloudEvents();
            app.MapPost("/ping", (Order? order, CloudEventEnvelope envelope) => $"{order is null}|{envelope.Id}");
        });

        var response = await app.GetTestClient().PostCloudEventAsync("/ping", """{"specversion":"1.0","id":"p-1","source":"s","type":"ping"}""");

        Assert.Equal("True|p-1", await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task Requests_that_are_not_cloudevents_pass_through_untouched()
    {
        await using var app = await TestApp.StartAsync(app =>
        {
            app.UseCloudEvents();
            app.MapPost("/orders", (Order order, HttpContext context) => $"{order.Id}|{context.GetCloudEvent() is null}");
        });

        var response = await app.GetTestClient().PostAsync(
            "/orders", new StringContent("""{"id":"direct","quantity":1}""", Encoding.UTF8, "application/json"), Ct);

        Assert.Equal("direct|True", await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("""{"specversion":"1.0",""")]
    [InlineData("""["not","an","object"]""")]
    [InlineData("""{"id":"1","data":{},"data_base64":"AA=="}""")]
    [InlineData("""{"id":"1","data_base64":"***"}""")]
    public async Task A_malformed_cloudevent_on_a_plain_endpoint_is_a_400_problem(string body)
    {
        await using var app = await TestApp.StartAsync(app =>
        {
            app.UseCloudEvents();
            app.MapPost("/orders", () => "reached");
        });

        var response = await app.GetTestClient().PostCloudEventAsync("/orders", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Invalid CloudEvent", await response.Content.ReadAsStringAsync(Ct));
    }

    private static Task<WebApplication> StartEchoAppAsync() => TestApp.StartAsync(app =>
    {
        app.UseCloudEvents();
        app.MapPost("/echo", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            return $"{request.ContentType}|{await reader.ReadToEndAsync()}";
        });
    });
}
