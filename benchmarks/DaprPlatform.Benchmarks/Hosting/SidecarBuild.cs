using DaprPlatform.Testing;

namespace DaprPlatform.Benchmarks.Hosting;

/// <summary>
/// The daprd.dll the benchmarks run: DAPRPLATFORM_SIDECAR_DLL when set, else the sidecar as ./dapr-dev publishes
/// it (self-contained, trimmed, ReadyToRun; `./dapr-dev build` rebuilds it when its sources changed).
/// </summary>
public static class SidecarBuild
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(15);

    public static async Task<string> EnsureAsync(bool rebuild, TextWriter log, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable(SidecarProcess.SidecarDllVariable) is { Length: > 0 } configured)
        {
            log.WriteLine($"Sidecar: {configured} (from {SidecarProcess.SidecarDllVariable})");
            return File.Exists(configured) ? configured : throw new FileNotFoundException($"{SidecarProcess.SidecarDllVariable} names a missing file.", configured);
        }

        await using var build = ManagedProcess.Start(
            "bash",
            [RepositoryRoot.Combine("dapr-dev"), "build"],
            new Dictionary<string, string?> { ["DAPR_DEV_FORCE_BUILD"] = rebuild ? "1" : null });
        var exitCode = await build.WaitForExitAsync(BuildTimeout, cancellationToken);
        var dll = build.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (exitCode != 0 || dll is null || !File.Exists(dll))
        {
            throw new InvalidOperationException($"./dapr-dev build failed (exit code {exitCode}).\n{build.Describe()}");
        }

        log.WriteLine($"Sidecar: {dll} (published {File.GetLastWriteTimeUtc(dll):yyyy-MM-dd HH:mm:ss} UTC by ./dapr-dev build)");
        return dll;
    }
}
