namespace DaprPlatform.Cli.Launch;

/// <summary>
/// How a sidecar build is started. ./dapr-dev publishes daprd with NativeAOT, a native executable that runs itself;
/// a <c>daprd.dll</c> (a plain <c>dotnet build</c> of the sidecar, or an earlier JIT build the benchmarks compare
/// against) runs on the dotnet host. Also compiled into tests/DaprPlatform.Testing (linked), so the tests and the
/// benchmarks start either kind as the CLI does.
/// </summary>
internal static class SidecarCommand
{
    /// <summary>The executable to start and its arguments: the sidecar itself, or dotnet with the sidecar's assembly first.</summary>
    public static (string FileName, IReadOnlyList<string> Arguments) For(string sidecarPath, string dotnetPath, IEnumerable<string> daprdArguments) =>
        RunsOnDotnetHost(sidecarPath)
            ? (dotnetPath, [sidecarPath, .. daprdArguments])
            : (sidecarPath, [.. daprdArguments]);

    public static bool RunsOnDotnetHost(string sidecarPath) => sidecarPath.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
}
