namespace DaprPlatform.Sidecar.Tests.Resiliency;

/// <summary>A clock for timestamps (elapsed-time logic) that moves only when a test advances it.</summary>
public sealed class ManualClock : TimeProvider
{
    private long _ticks = 1;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Interlocked.Read(ref _ticks);

    public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
}
