using DaprPlatform.Testing;

namespace DaprPlatform.Benchmarks.Hosting;

/// <summary>
/// The sidecar the benchmarks run: DAPRPLATFORM_SIDECAR when set, else the sidecar as ./dapr-dev publishes it
/// (NativeAOT; `./dapr-dev build` rebuilds it when its sources changed).
/// </summary>
public static class SidecarBuild
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(15);

    public static async Task<string> EnsureAsync(bool rebuild, TextWriter log, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable(SidecarProcess.SidecarVariable) is { Length: > 0 } configured)
        {
            log.WriteLine($"Sidecar: {configured} (from {SidecarProcess.SidecarVariable})");
            return File.Exists(configured) ? configured : throw new FileNotFoundException($"{SidecarProcess.SidecarVariable} names a missing file.", configured);
        }

        await using var build = ManagedProcess.Start(
            "bash",
            [RepositoryRoot.Combine("dapr-dev"), "build"],
            new Dictionary<string, string?> { ["DAPR_DEV_FORCE_BUILD"] = rebuild ? "1" : null });
        var exitCode = await build.WaitForExitAsync(BuildTimeout, cancellationToken);
        var daprd = build.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        if (exitCode != 0 || daprd is null || !File.Exists(daprd))
        {
            throw new InvalidOperationException($"./dapr-dev build failed (exit code {exitCode}).\n{build.Describe()}");
        }

        log.WriteLine($"Sidecar: {daprd} (published {File.GetLastWriteTimeUtc(daprd):yyyy-MM-dd HH:mm:ss} UTC by ./dapr-dev build)");
        return daprd;
    }
}
