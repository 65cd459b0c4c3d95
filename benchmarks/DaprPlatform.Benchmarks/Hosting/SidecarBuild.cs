using DaprPlatform.Testing;

namespace DaprPlatform.Benchmarks.Hosting;

/// <summary>
/// The Release daprd.dll the benchmarks run: DAPRPLATFORM_SIDECAR_DLL when set, else the checkout's Release build,
/// built first when it is missing (or when asked). A Debug sidecar would make every figure meaningless.
/// </summary>
public static class SidecarBuild
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(15);

    public static string ProjectPath => RepositoryRoot.Combine("sidecar", "DaprPlatform.Sidecar", "DaprPlatform.Sidecar.csproj");

    public static string ReleaseDllPath => RepositoryRoot.Combine("sidecar", "DaprPlatform.Sidecar", "bin", "Release", "net10.0", "daprd.dll");

    public static async Task<string> EnsureAsync(bool rebuild, TextWriter log, CancellationToken cancellationToken)
    {
        if (Environment.GetEnvironmentVariable(SidecarProcess.SidecarDllVariable) is { Length: > 0 } configured)
        {
            log.WriteLine($"Sidecar: {configured} (from {SidecarProcess.SidecarDllVariable})");
            return File.Exists(configured) ? configured : throw new FileNotFoundException($"{SidecarProcess.SidecarDllVariable} names a missing file.", configured);
        }

        var dll = ReleaseDllPath;
        if (rebuild || !File.Exists(dll))
        {
            log.WriteLine(rebuild
                ? "Sidecar: rebuilding sidecar/DaprPlatform.Sidecar in Release (--build-sidecar)..."
                : "Sidecar: no Release build found; building sidecar/DaprPlatform.Sidecar in Release first...");
            await using var build = ManagedProcess.Start("dotnet", ["build", ProjectPath, "-c", "Release", "-nologo", "-v", "q"]);
            var exitCode = await build.WaitForExitAsync(BuildTimeout, cancellationToken);
            if (exitCode != 0 || !File.Exists(dll))
            {
                throw new InvalidOperationException($"Building the sidecar in Release failed (exit code {exitCode}).\n{build.Describe()}");
            }
        }

        var built = File.GetLastWriteTimeUtc(dll);
        log.WriteLine($"Sidecar: {dll} (built {built:yyyy-MM-dd HH:mm:ss} UTC)");
        var newestSource = NewestSourceWrite();
        if (newestSource > built)
        {
            log.WriteLine($"  warning: sidecar sources changed at {newestSource:HH:mm:ss} UTC, after this build; pass --build-sidecar to measure them.");
        }

        return dll;
    }

    private static DateTime NewestSourceWrite()
    {
        var root = Path.GetDirectoryName(ProjectPath)!;
        return Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(File.GetLastWriteTimeUtc)
            .DefaultIfEmpty(DateTime.MinValue)
            .Max();
    }
}
