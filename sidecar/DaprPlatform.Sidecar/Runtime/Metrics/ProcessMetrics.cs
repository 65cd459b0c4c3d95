using System.Globalization;
using System.Text;

namespace DaprPlatform.Sidecar.Runtime.Metrics;

/// <summary>
/// The process's own figures, read when scraped: daprd exports the Go runtime's (process_*, go_memstats_*), this
/// sidecar the .NET runtime's, under the Prometheus client libraries' usual names.
/// </summary>
public static class ProcessMetrics
{
    public static void Render(StringBuilder output)
    {
        var memory = GC.GetGCMemoryInfo();
        Write(output, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.", Environment.WorkingSet);
        Write(output, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.", Environment.CpuUsage.TotalTime.TotalSeconds);
        Write(output, "dotnet_gc_allocated_bytes_total", "counter", "Bytes allocated on the managed heap since the process started.", GC.GetTotalAllocatedBytes());
        Write(output, "dotnet_gc_pause_seconds_total", "counter", "Time the process was paused by garbage collections.", GC.GetTotalPauseDuration().TotalSeconds);
        Write(output, "dotnet_gc_heap_size_bytes", "gauge", "Managed heap size at the last garbage collection.", memory.HeapSizeBytes);
        Write(output, "dotnet_gc_committed_bytes", "gauge", "Memory committed for the managed heap at the last garbage collection.", memory.TotalCommittedBytes);
        Write(output, "dotnet_threadpool_threads", "gauge", "Thread-pool threads.", ThreadPool.ThreadCount);

        output.Append("# HELP dotnet_gc_collections_total Garbage collections per generation.\n");
        output.Append("# TYPE dotnet_gc_collections_total counter\n");
        for (var generation = 0; generation <= GC.MaxGeneration; generation++)
        {
            output.Append("dotnet_gc_collections_total{generation=\"").Append(generation).Append("\"} ")
                .Append(GC.CollectionCount(generation)).Append('\n');
        }
    }

    private static void Write(StringBuilder output, string name, string type, string help, double value) =>
        output.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n')
            .Append(name).Append(' ').Append(value.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
}
