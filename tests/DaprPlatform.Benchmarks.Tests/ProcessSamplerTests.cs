using DaprPlatform.Benchmarks.Measurement;

namespace DaprPlatform.Benchmarks.Tests;

public sealed class ProcessSamplerTests
{
    [Fact]
    public async Task Sampling_this_process_reports_its_memory_threads_and_cpu()
    {
        var self = Environment.ProcessId;
        await using var sampler = new ProcessSampler([("self", self)]);
        // Burn a fixed amount of this process's CPU time, not of wall time: on a loaded machine 400 ms of wall time
        // can be far less CPU.
        var cpuAtStart = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
        var spins = 0L;
        while (System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart < TimeSpan.FromMilliseconds(300))
        {
            spins++; // burn some CPU so there is CPU time to report
        }

        var usage = Assert.Single(await sampler.StopAsync());

        Assert.True(spins > 0);
        Assert.Equal("self", usage.Name);
        Assert.InRange(usage.PeakRssMb, 10, 4096);
        Assert.InRange(usage.RssAfterMb, 10, usage.PeakRssMb);
        Assert.InRange(usage.HighWaterMarkMb, usage.RssAfterMb, 8192);
        Assert.InRange(usage.PssAfterMb, 1, usage.RssAfterMb);
        // RssAnon + RssFile (+ RssShmem) make up VmRSS; both are read from the same status file.
        Assert.InRange(usage.RssAnonAfterMb, 1, usage.RssAfterMb);
        Assert.InRange(usage.RssFileAfterMb, 1, usage.RssAfterMb);
        Assert.InRange(usage.RssAnonAfterMb + usage.RssFileAfterMb, usage.RssAfterMb * 0.9, usage.RssAfterMb + 0.1);
        Assert.True(usage.PeakThreads > 1);
        Assert.True(usage.CpuSeconds > 0.1, $"{usage.CpuSeconds} CPU seconds");
    }

    [Fact]
    public void The_status_file_is_read_with_sizes_and_counts()
    {
        var status = ProcessSampler.ReadStatus(Environment.ProcessId);

        Assert.True(status["VmRSS"] > 0);
        Assert.True(status["Threads"] > 0);
    }

    [Fact]
    public void A_process_that_is_gone_has_no_status() =>
        Assert.Empty(ProcessSampler.ReadStatus(int.MaxValue));
}
