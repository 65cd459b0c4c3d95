using System.Text;
using System.Text.Json;
using DaprPlatform.Sidecar.Runtime.PubSub;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.PubSub;

/// <summary>daprd's ConvertEventToBytes for bulk publish entries (dapr pkg/api/http/util.go).</summary>
public sealed class BulkEventConverterTests
{
    private static (bool Ok, string Bytes, string Problem) Convert(string eventJson, string? contentType)
    {
        var ok = BulkEventConverter.TryConvert(JsonDocument.Parse(eventJson).RootElement, contentType, out var bytes, out var problem);
        return (ok, Encoding.UTF8.GetString(bytes), problem);
    }

    [Theory]
    [InlineData("""{"a": 1}""", "application/json", """{"a":1}""")]
    [InlineData("\"text\"", "application/json", "\"text\"")]
    [InlineData("""{"id":"x"}""", "application/cloudevents+json", """{"id":"x"}""")]
    [InlineData("\"hello\"", "text/plain", "hello")]
    [InlineData("\"<a/>\"", "application/xml", "<a/>")]
    [InlineData("\"aGk=\"", "application/octet-stream", "hi")]
    public void Converts_by_content_type(string eventJson, string contentType, string expected)
    {
        var (ok, bytes, _) = Convert(eventJson, contentType);

        Assert.True(ok);
        Assert.Equal(expected, bytes);
    }

    [Theory]
    [InlineData("{}", "text/plain")]
    [InlineData("1", "application/octet-stream")]
    [InlineData("\"x\"", null)]
    [InlineData("\"x\"", "image/png")]
    public void Mismatched_event_is_refused(string eventJson, string? contentType)
    {
        var (ok, _, problem) = Convert(eventJson, contentType);

        Assert.False(ok);
        Assert.Equal("error: mismatch between contentType and event", problem);
    }

    [Fact]
    public void Binary_that_is_not_base64_is_refused()
    {
        var (ok, _, problem) = Convert("\"not base64!\"", "application/octet-stream");

        Assert.False(ok);
        Assert.StartsWith("error: unable to decode base64", problem);
    }

    [Fact]
    public void Missing_json_event_is_null()
    {
        Assert.True(BulkEventConverter.TryConvert(default, "application/json", out var bytes, out _));
        Assert.Equal("null", Encoding.UTF8.GetString(bytes));
    }
}
