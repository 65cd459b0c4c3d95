using DaprPlatform.Sidecar.Components.PubSub;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.PubSub;

/// <summary>components-contrib's TryGetTTL, TryGetPriority and IsRawPayload.</summary>
public sealed class PubSubRequestMetadataTests
{
    [Theory]
    [InlineData("ttlInSeconds", "10", 10_000)]
    [InlineData("ttl", "1m30s", 90_000)]
    [InlineData("TtlInSeconds", "250ms", 250)]
    [InlineData("ttl", "0", 0)]
    [InlineData("ttl", "-3s", 0)]
    public void Ttl_is_a_go_duration_or_whole_seconds(string key, string value, long milliseconds)
    {
        Assert.True(PubSubRequestMetadata.TryGetTtl(new Dictionary<string, string> { [key] = value }, out var ttl, out var error));
        Assert.Null(error);
        Assert.Equal(milliseconds, (long)ttl.TotalMilliseconds);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0x10")]
    [InlineData("-1")]
    public void Invalid_ttl_is_an_error(string value)
    {
        Assert.False(PubSubRequestMetadata.TryGetTtl(new Dictionary<string, string> { ["ttlInSeconds"] = value }, out _, out var error));
        Assert.NotNull(error);
    }

    [Fact]
    public void No_ttl_is_no_error()
    {
        Assert.False(PubSubRequestMetadata.TryGetTtl(new Dictionary<string, string> { ["ttlInSeconds"] = "" }, out _, out var error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData("7", 7)]
    [InlineData("300", 255)]
    [InlineData("-4", 0)]
    public void Priority_is_clamped_to_a_byte(string value, byte expected)
    {
        Assert.True(PubSubRequestMetadata.TryGetPriority(new Dictionary<string, string> { ["priority"] = value }, out var priority, out _));
        Assert.Equal(expected, priority);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("T", true)]
    [InlineData("1", true)]
    [InlineData("False", false)]
    [InlineData("", false)]
    public void Raw_payload_parses_like_go(string value, bool expected) =>
        Assert.Equal(expected, PubSubRequestMetadata.IsRawPayload(new Dictionary<string, string> { ["rawPayload"] = value }));

    [Theory]
    [InlineData("yes")]
    [InlineData("TrUe")]
    public void Raw_payload_refuses_what_go_refuses(string value) =>
        Assert.Throws<FormatException>(() => PubSubRequestMetadata.IsRawPayload(new Dictionary<string, string> { ["rawPayload"] = value }));
}
