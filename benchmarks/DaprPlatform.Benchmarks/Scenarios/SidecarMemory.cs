using DaprPlatform.Benchmarks.Measurement;
using DaprPlatform.Benchmarks.Reporting;
using DaprPlatform.Testing;

namespace DaprPlatform.Benchmarks.Scenarios;

/// <summary>The sidecar memory target (RSS under 80 MB under load) and the idle RSS right after startup.</summary>
public static class SidecarMemory
{
    public const double TargetRssMb = 80;

    public static IReadOnlyList<(string AppId, double RssMb)> ReadIdle(params SidecarProcess[] sidecars) =>
        sidecars.Select(s => (s.AppId, ProcessSampler.ReadStatus(s.Process.Id).GetValueOrDefault("VmRSS") / 1024.0)).ToList();

    /// <param name="operations">Operations run while sampled, for CPU time per operation.</param>
    /// <param name="checkTarget">Whether the sidecars' peak RSS is judged against the target in this phase.</param>
    public static void Report(ScenarioReport report, string phase, IReadOnlyList<ProcessUsage> usage, long operations, bool checkTarget = true)
    {
        report.AddProcesses(phase, usage, operations);
        if (!checkTarget)
        {
            return;
        }

        foreach (var sidecar in usage.Where(u => u.Name.StartsWith("sidecar", StringComparison.Ordinal)))
        {
            report.Target(
                $"{sidecar.Name} peak RSS [{phase}]", $"{ScenarioReport.F1(sidecar.PeakRssMb)} MB", $"< {TargetRssMb} MB (Dapr 1.17: ~51 MB)", sidecar.PeakRssMb < TargetRssMb);
        }
    }

    public static void NoteIdle(ScenarioReport report, IReadOnlyList<(string AppId, double RssMb)> idle) =>
        report.Note("Sidecar RSS right after startup: " + string.Join(", ", idle.Select(i => $"{i.AppId} {ScenarioReport.F1(i.RssMb)} MB")) + ".");
}
