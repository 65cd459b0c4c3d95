using DaprPlatform.Sidecar.Runtime.PubSub;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.PubSub;

public sealed class TraceContextTests
{
    private const string Incoming = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

    [Fact]
    public void Child_of_an_incoming_trace_keeps_trace_id_and_flags_with_a_new_span()
    {
        var child = TraceContext.ChildOf(Incoming, "a=b", 0);

        Assert.StartsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-", child.TraceParent);
        Assert.EndsWith("-01", child.TraceParent);
        Assert.NotEqual(Incoming, child.TraceParent);
        Assert.Equal("a=b", child.TraceState);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("garbage")]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")]
    [InlineData("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-1")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x")]
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra")]
    [InlineData("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01x")]
    [InlineData("00_4bf92f3577b34da6a3ce929d0e0e4736_00f067aa0ba902b7_01")]
    [InlineData("0g-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")]
    public void Without_a_valid_incoming_trace_starts_a_new_one(string? incoming)
    {
        var fresh = TraceContext.ChildOf(incoming, "ignored", 1);

        Assert.True(TraceContext.TryParse(fresh.TraceParent, out var traceId, out var flags));
        Assert.NotEqual("4bf92f3577b34da6a3ce929d0e0e4736", traceId);
        Assert.Equal("01", flags);
        Assert.Equal("", fresh.TraceState);
        Assert.Equal("00", TraceContext.ChildOf(incoming, null, 0).TraceParent[^2..]);
    }

    [Theory]
    [InlineData(" 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 ")]
    [InlineData("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-future")]
    public void Surrounding_space_and_fields_of_later_versions_are_accepted(string incoming)
    {
        var child = TraceContext.ChildOf(incoming, null, 0);

        Assert.Matches("^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$", child.TraceParent);
        Assert.DoesNotContain("00f067aa0ba902b7", child.TraceParent);
    }

    [Fact]
    public void A_new_trace_has_random_non_zero_ids()
    {
        var first = TraceContext.ChildOf(null, null, 0).TraceParent;
        var second = TraceContext.ChildOf(null, null, 0).TraceParent;

        Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-00$", first);
        Assert.NotEqual(first[3..35], second[3..35]);
        Assert.True(TraceContext.TryParse(first, out _, out _));
    }
}
