using DaprPlatform.Benchmarks.Measurement;
using DaprPlatform.Benchmarks.Reporting;
using DaprPlatform.Testing;

namespace DaprPlatform.Benchmarks.Scenarios;

/// <summary>The sidecar memory targets and the idle RSS right after startup.</summary>
public static class SidecarMemory
{
    /// <summary>Issue 13: a sidecar at a fixed 1000 requests/s stays within 40 MB (daprd publishes ~51 MB).</summary>
    public const double TargetRssAtRateMb = 40;

    /// <summary>Issue 13: a sidecar running workflows (state.redis) stays within 60 MB.</summary>
    public const double TargetRssWorkflowMb = 60;

    /// <summary>Issue 9: under any load, even as much as the connections carry, a sidecar stays under 80 MB.</summary>
    public const double TargetRssAnyLoadMb = 80;

    /// <summary>The RSS target of a load mode: the fixed rate's, or the any-load one for the closed loop.</summary>
    public static double TargetFor(LoadMode mode) => mode.IsFixedRate ? TargetRssAtRateMb : TargetRssAnyLoadMb;

    public static IReadOnlyList<(string AppId, double RssMb)> ReadIdle(params SidecarProcess[] sidecars) =>
        sidecars.Select(s => (s.AppId, ProcessSampler.ReadStatus(s.Process.Id).GetValueOrDefault("VmRSS") / 1024.0)).ToList();

    /// <param name="operations">Operations run while sampled, for CPU time per operation.</param>
    /// <param name="targetMb">The most RSS a sidecar may reach in this phase; null when the phase is not judged.</param>
    public static void Report(ScenarioReport report, string phase, IReadOnlyList<ProcessUsage> usage, long operations, double? targetMb)
    {
        report.AddProcesses(phase, usage, operations);
        if (targetMb is not { } target)
        {
            return;
        }

        foreach (var sidecar in usage.Where(u => u.Name.StartsWith("sidecar", StringComparison.Ordinal)))
        {
            report.Target(
                $"{sidecar.Name} peak RSS [{phase}]", $"{ScenarioReport.F1(sidecar.PeakRssMb)} MB", $"<= {target} MB (Dapr 1.17: ~51 MB)", sidecar.PeakRssMb <= target);
        }
    }

    public static void NoteIdle(ScenarioReport report, IReadOnlyList<(string AppId, double RssMb)> idle) =>
        report.Note("Sidecar RSS right after startup: " + string.Join(", ", idle.Select(i => $"{i.AppId} {ScenarioReport.F1(i.RssMb)} MB")) + ".");
}
