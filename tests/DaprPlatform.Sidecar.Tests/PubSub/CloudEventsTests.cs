using System.Text;
using System.Text.Json;
using DaprPlatform.Sidecar.Components.PubSub;
using DaprPlatform.Sidecar.Runtime.PubSub;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.PubSub;

/// <summary>The envelope daprd builds around published data (components-contrib pubsub/envelope.go).</summary>
public sealed class CloudEventsTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);
    private static readonly TraceContext Trace = new("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "k=v");
    private static readonly Dictionary<string, string> NoMetadata = [];

    private static JsonElement Create(
        string data, string? contentType, IReadOnlyDictionary<string, string>? metadata = null, PubSubFeatures features = PubSubFeatures.None, DateTimeOffset? now = null)
    {
        var request = new CloudEventRequest("my-app", "orders", "pubsub", contentType, Encoding.UTF8.GetBytes(data), Trace);
        return JsonDocument.Parse(CloudEvents.Create(request, metadata ?? NoMetadata, features, now ?? Now)).RootElement;
    }

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetString() : null;

    [Fact]
    public void New_envelope_has_daprs_fields()
    {
        var ce = Create("""{"a":1}""", "application/json");

        Assert.True(Guid.TryParse(Str(ce, "id"), out _));
        Assert.Equal("my-app", Str(ce, "source"));
        Assert.Equal("com.dapr.event.sent", Str(ce, "type"));
        Assert.Equal("1.0", Str(ce, "specversion"));
        Assert.Equal("application/json", Str(ce, "datacontenttype"));
        Assert.Equal("orders", Str(ce, "topic"));
        Assert.Equal("pubsub", Str(ce, "pubsubname"));
        Assert.Equal(Trace.TraceParent, Str(ce, "traceid"));
        Assert.Equal(Trace.TraceParent, Str(ce, "traceparent"));
        Assert.Equal("k=v", Str(ce, "tracestate"));
        Assert.Equal("2026-03-04T05:06:07Z", Str(ce, "time"));
        Assert.False(ce.TryGetProperty("subject", out _));
        Assert.False(ce.TryGetProperty("expiration", out _));
        Assert.Equal(1, ce.GetProperty("data").GetProperty("a").GetInt32());
    }

    [Fact]
    public void New_envelope_writes_keys_in_gos_sorted_map_order()
    {
        var ce = Create("x", null);

        var names = ce.EnumerateObject().Select(p => p.Name).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
    }

    [Fact]
    public void Time_keeps_the_local_offset_at_second_precision()
    {
        var ce = Create("x", null, now: new DateTimeOffset(2026, 3, 4, 5, 6, 7, 999, TimeSpan.FromHours(2)));

        Assert.Equal("2026-03-04T05:06:07+02:00", Str(ce, "time"));
    }

    [Theory]
    [InlineData(null, "text/plain")]
    [InlineData("", "text/plain")]
    [InlineData("text/plain; charset=utf-8", "text/plain; charset=utf-8")]
    [InlineData("application/xml", "application/xml")]
    public void Non_json_content_is_a_string(string? contentType, string expectedContentType)
    {
        var ce = Create("""{"looks":"like json"}""", contentType);

        Assert.Equal(expectedContentType, Str(ce, "datacontenttype"));
        Assert.Equal("""{"looks":"like json"}""", Str(ce, "data"));
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("Application/JSON; charset=utf-8")]
    public void Json_content_is_embedded_as_json(string contentType)
    {
        var ce = Create("""[1, {"b": 12345678901234567890}]""", contentType);

        Assert.Equal(JsonValueKind.Array, ce.GetProperty("data").ValueKind);
        // Numbers keep their digits (Go decodes with UseNumber).
        Assert.Equal("12345678901234567890", ce.GetProperty("data")[1].GetProperty("b").GetRawText());
    }

    [Fact]
    public void Json_content_that_does_not_parse_is_a_string()
    {
        var ce = Create("{not json", "application/json");

        Assert.Equal("{not json", Str(ce, "data"));
    }

    [Fact]
    public void Json_content_takes_the_first_value_as_gos_decoder_does()
    {
        var ce = Create("""{"a":1} trailing""", "application/json");

        Assert.Equal(1, ce.GetProperty("data").GetProperty("a").GetInt32());
    }

    [Theory]
    [InlineData("application/octet-stream")]
    [InlineData("application/cloudevents+protobuf")]
    public void Binary_content_is_data_base64(string contentType)
    {
        var request = new CloudEventRequest("my-app", "orders", "pubsub", contentType, new byte[] { 0, 1, 2, 255 }, Trace);
        var ce = JsonDocument.Parse(CloudEvents.Create(request, NoMetadata, PubSubFeatures.None, Now)).RootElement;

        Assert.Equal("AAEC/w==", Str(ce, "data_base64"));
        Assert.False(ce.TryGetProperty("data", out _));
    }

    [Fact]
    public void Metadata_overrides_envelope_fields_without_regard_to_case()
    {
        var ce = Create("x", null, new Dictionary<string, string>
        {
            ["cloudevent.id"] = "my-id",
            ["CloudEvent.Source"] = "my-source",
            ["cloudevent.type"] = "my.type",
            ["cloudevent.subject"] = "my-subject",
            ["cloudevent.traceid"] = "ignored-because-traceparent-wins",
            ["cloudevent.traceparent"] = "00-11111111111111111111111111111111-2222222222222222-01",
            ["cloudevent.tracestate"] = "a=b",
        });

        Assert.Equal("my-id", Str(ce, "id"));
        Assert.Equal("my-source", Str(ce, "source"));
        Assert.Equal("my.type", Str(ce, "type"));
        Assert.Equal("my-subject", Str(ce, "subject"));
        Assert.Equal("00-11111111111111111111111111111111-2222222222222222-01", Str(ce, "traceparent"));
        Assert.Equal(Str(ce, "traceparent"), Str(ce, "traceid"));
        Assert.Equal("a=b", Str(ce, "tracestate"));
    }

    [Fact]
    public void Trace_id_override_alone_sets_both_trace_fields()
    {
        var ce = Create("x", null, new Dictionary<string, string> { ["cloudevent.traceid"] = "custom" });

        Assert.Equal("custom", Str(ce, "traceid"));
        Assert.Equal("custom", Str(ce, "traceparent"));
    }

    [Fact]
    public void Cloud_event_body_is_augmented_keeping_its_own_fields()
    {
        var ce = Create(
            """{"id":"own","source":"own-source","type":"own.type","specversion":"1.0","traceid":"own-trace","time":"2020-01-01T00:00:00Z","data":{"x":1},"topic":"other"}""",
            "application/cloudevents+json",
            new Dictionary<string, string> { ["cloudevent.id"] = "ignored for a CloudEvent body" });

        Assert.Equal("own", Str(ce, "id"));
        Assert.Equal("own-source", Str(ce, "source"));
        Assert.Equal("own.type", Str(ce, "type"));
        Assert.Equal("own-trace", Str(ce, "traceid"));
        Assert.False(ce.TryGetProperty("traceparent", out _));
        Assert.Equal("k=v", Str(ce, "tracestate"));
        Assert.Equal("2020-01-01T00:00:00Z", Str(ce, "time"));
        Assert.Equal(1, ce.GetProperty("data").GetProperty("x").GetInt32());
        // topic and pubsubname are always Dapr's.
        Assert.Equal("orders", Str(ce, "topic"));
        Assert.Equal("pubsub", Str(ce, "pubsubname"));
        Assert.Single(ce.EnumerateObject(), p => p.Name == "topic");
    }

    [Fact]
    public void Cloud_event_body_gets_defaults_for_missing_or_null_fields()
    {
        var ce = Create("""{"id":"own","source":null,"data":"d"}""", "application/cloudevents+json");

        Assert.Equal("Dapr", Str(ce, "source"));
        Assert.Equal("com.dapr.event.sent", Str(ce, "type"));
        Assert.Equal("1.0", Str(ce, "specversion"));
        Assert.Equal(Trace.TraceParent, Str(ce, "traceid"));
        Assert.Equal(Trace.TraceParent, Str(ce, "traceparent"));
        Assert.Equal("2026-03-04T05:06:07Z", Str(ce, "time"));
        Assert.Single(ce.EnumerateObject(), p => p.Name == "source");
    }

    [Theory]
    [InlineData("[1]")]
    [InlineData("\"text\"")]
    [InlineData("{broken")]
    [InlineData("")]
    public void Cloud_event_body_that_is_not_an_object_is_refused(string body)
    {
        var request = new CloudEventRequest("my-app", "orders", "pubsub", "application/cloudevents+json", Encoding.UTF8.GetBytes(body), Trace);

        Assert.Throws<CloudEventFormatException>(() => CloudEvents.Create(request, NoMetadata, PubSubFeatures.None, Now));
    }

    [Theory]
    [InlineData("ttlInSeconds", "90", "2026-03-04T05:07:37Z")]
    [InlineData("TTLINSECONDS", "90", "2026-03-04T05:07:37Z")]
    [InlineData("ttl", "2m", "2026-03-04T05:08:07Z")]
    public void Ttl_adds_expiration_when_the_component_cannot_expire_messages(string key, string value, string expected)
    {
        var metadata = new Dictionary<string, string> { [key] = value };

        Assert.Equal(expected, Str(Create("x", null, metadata), "expiration"));
        Assert.False(Create("x", null, metadata, PubSubFeatures.MessageTtl).TryGetProperty("expiration", out _));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("-5")]
    public void Invalid_ttl_is_ignored(string value)
    {
        var ce = Create("x", null, new Dictionary<string, string> { ["ttlInSeconds"] = value });

        Assert.False(ce.TryGetProperty("expiration", out _));
    }

    [Fact]
    public void Ttl_on_a_cloud_event_body_replaces_its_expiration()
    {
        var ce = Create("""{"id":"x","expiration":"2000-01-01T00:00:00Z"}""", "application/cloudevents+json", new Dictionary<string, string> { ["ttlInSeconds"] = "1" });

        Assert.Equal("2026-03-04T05:06:08Z", Str(ce, "expiration"));
        Assert.Single(ce.EnumerateObject(), p => p.Name == "expiration");
    }

    [Fact]
    public void From_raw_payload_wraps_the_bytes_with_the_messages_trace_fields()
    {
        var ce = JsonDocument.Parse(CloudEvents.FromRawPayload(
            "raw"u8, "orders", "pubsub", new Dictionary<string, string> { ["traceparent"] = "tp", ["tracestate"] = "ts" })).RootElement;

        Assert.True(Guid.TryParse(Str(ce, "id"), out _));
        Assert.Equal("application/octet-stream", Str(ce, "datacontenttype"));
        Assert.Equal("cmF3", Str(ce, "data_base64"));
        Assert.Equal("Dapr", Str(ce, "source"));
        Assert.Equal("com.dapr.event.sent", Str(ce, "type"));
        Assert.Equal("1.0", Str(ce, "specversion"));
        Assert.Equal("orders", Str(ce, "topic"));
        Assert.Equal("pubsub", Str(ce, "pubsubname"));
        Assert.Equal("tp", Str(ce, "traceparent"));
        Assert.Equal("tp", Str(ce, "traceid"));
        Assert.Equal("ts", Str(ce, "tracestate"));
    }

    [Theory]
    [InlineData("""{"expiration":"2026-03-04T05:06:06Z"}""", true)]
    [InlineData("""{"expiration":"2026-03-04T07:06:06+02:00"}""", true)]
    [InlineData("""{"expiration":"2026-03-04T05:06:08Z"}""", false)]
    [InlineData("""{"expiration":""}""", false)]
    [InlineData("""{"expiration":"not a time"}""", false)]
    [InlineData("""{"expiration":5}""", false)]
    [InlineData("""{}""", false)]
    public void Has_expired_compares_the_rfc3339_expiration(string json, bool expired)
    {
        Assert.Equal(expired, CloudEvents.HasExpired(JsonDocument.Parse(json).RootElement, Now));
    }
}
