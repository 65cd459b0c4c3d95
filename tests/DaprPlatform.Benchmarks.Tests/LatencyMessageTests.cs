using System.Diagnostics;
using System.Text;
using DaprPlatform.Benchmarks.Measurement;

namespace DaprPlatform.Benchmarks.Tests;

public sealed class LatencyMessageTests
{
    [Fact]
    public void A_message_has_the_asked_size_and_carries_its_send_time_and_phase()
    {
        var before = Stopwatch.GetTimestamp();
        var message = LatencyMessage.Create(LatencyMessage.MeasuredPhase, 1024);

        Assert.Equal(1024, message.Length);
        Assert.True(LatencyMessage.TryRead(message, out var sentAt, out var phase));
        Assert.Equal(LatencyMessage.MeasuredPhase, phase);
        Assert.InRange(sentAt, before, Stopwatch.GetTimestamp());
    }

    [Fact]
    public void The_fields_are_found_inside_a_cloud_event()
    {
        var data = Encoding.UTF8.GetString(LatencyMessage.Create(LatencyMessage.WarmupPhase, 100));
        var cloudEvent = Encoding.UTF8.GetBytes($$"""{"specversion":"1.0","id":"x","datacontenttype":"application/json","data":{{data}},"topic":"t"}""");

        Assert.True(LatencyMessage.TryRead(cloudEvent, out _, out var phase));
        Assert.Equal(LatencyMessage.WarmupPhase, phase);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"sentAt":5}""")]
    [InlineData("""{"sentAt":"soon","phase":1}""")]
    public void Other_payloads_are_not_read_as_messages(string payload) =>
        Assert.False(LatencyMessage.TryRead(Encoding.UTF8.GetBytes(payload), out _, out _));

    [Fact]
    public void The_recorder_keeps_latencies_of_measured_messages_only()
    {
        var recorder = new DeliveryRecorder();

        Assert.True(recorder.Record(LatencyMessage.Create(LatencyMessage.WarmupPhase, 64)));
        Assert.True(recorder.Record(LatencyMessage.Create(LatencyMessage.MeasuredPhase, 64)));
        Assert.False(recorder.Record("{}"u8));

        var stats = recorder.Snapshot();
        Assert.Equal(2, stats.Received);
        Assert.Single(stats.LatenciesMicroseconds);
        Assert.InRange(stats.LatenciesMicroseconds[0], 0, 5_000_000);
        Assert.Equal(1, stats.ToHistogram().Count);

        recorder.Reset();
        Assert.Equal(0, recorder.Snapshot().Received);
    }
}
