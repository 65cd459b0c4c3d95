namespace DaprPlatform.Cli.Launch;

/// <summary>
/// .NET runtime settings every sidecar starts with unless the caller set them. The GC's gen0 budget has no
/// runtimeconfig knob, only this variable; the NativeAOT daprd has it built in as well, a daprd.dll needs it. Also compiled into tests/DaprPlatform.Testing (linked), whose
/// SidecarProcess starts the test and benchmark sidecars the same way.
/// </summary>
internal static class SidecarRuntimeTuning
{
    public static IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        // The workstation GC sizes gen0 from the L3 cache (tens of MB); a proxy's garbage is short-lived, and a
        // 1 MB budget keeps a loaded sidecar about 20 MB smaller at the same CPU per request (docs/benchmarks.md).
        // Hexadecimal without "0x": NativeAOT's configuration reader rejects the prefix (and ignored the setting).
        ["DOTNET_GCgen0size"] = "100000",
    };
}
