using DaprPlatform.Cli.Processes;
using Xunit;

namespace DaprPlatform.Cli.Tests.Registry;

public sealed class ReusedPidTests
{
    [Fact]
    public void A_process_started_after_the_entry_was_written_is_a_reused_pid()
    {
        var registeredLongBefore = DateTimeOffset.UtcNow.AddHours(-1);

        Assert.True(Signals.StartedAfter(Environment.ProcessId, registeredLongBefore));
    }

    [Fact]
    public void The_process_that_wrote_the_entry_is_not()
    {
        Assert.False(Signals.StartedAfter(Environment.ProcessId, DateTimeOffset.UtcNow));
        Assert.False(Signals.StartedAfter(Environment.ProcessId, null));
    }
}
