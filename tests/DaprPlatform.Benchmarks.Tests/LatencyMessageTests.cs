using System.Diagnostics;
using System.Text;
using DaprPlatform.Benchmarks.Measurement;

namespace DaprPlatform.Benchmarks.Tests;

public sealed class LatencyMessageTests
{
    [Fact]
    public void AMessage_HasTheAskedSize_AndCarriesItsSendTimeAndPhase()
    {
        var before = Stopwatch.GetTimestamp();
        var message = LatencyMessage.Create(LatencyMessage.MeasuredPhase, 1024);

        Assert.Equal(1024, message.Length);
        Assert.True(LatencyMessage.TryRead(message, out var sentAt, out var phase));
        Assert.Equal(LatencyMessage.MeasuredPhase, phase);
        Assert.InRange(sentAt, before, Stopwatch.GetTimestamp());
    }

    [Fact]
    public void TheFields_AreFoundInsideACloudEvent()
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
    public void OtherPayloads_AreNotReadAsMessages(string payload) =>
        Assert.False(LatencyMessage.TryRead(Encoding.UTF8.GetBytes(payload), out _, out _));

    [Fact]
    public void TheRecorder_KeepsLatenciesOfMeasuredMessagesOnly()
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
