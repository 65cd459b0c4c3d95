using System.Runtime.InteropServices;
using DaprPlatform.Testing;

namespace DaprPlatform.Benchmarks.Hosting;

/// <summary>
/// The invocation floor's forwarder (benchmarks/DaprPlatform.Benchmarks.Forwarder), published with NativeAOT into
/// .artifacts/benchmarks/forwarder as the sidecar is published: a floor on the JIT would be slower than the sidecars it
/// is the floor of, and their own work over it would read as negative.
/// </summary>
public static class ForwarderBuild
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(15);

    public static string Project => RepositoryRoot.Combine("benchmarks", "DaprPlatform.Benchmarks.Forwarder", "DaprPlatform.Benchmarks.Forwarder.csproj");

    public static string Executable => RepositoryRoot.Combine(".artifacts", "benchmarks", "forwarder", "forwarder");

    private static readonly Lock PublishLock = new();
    private static Task<string>? _published;

    /// <summary>
    /// Publishes the forwarder once per run (the invocation scenario runs once per sidecar build compared), with its
    /// symbols kept in the executable when <paramref name="withSymbols"/> (perf names its functions from them).
    /// </summary>
    public static Task<string> EnsureAsync(bool withSymbols, TextWriter log, CancellationToken cancellationToken)
    {
        lock (PublishLock)
        {
            // A failed or cancelled publish is tried again by the next caller.
            return _published is { IsFaulted: false, IsCanceled: false } publishing ? publishing : _published = PublishAsync(withSymbols, log, cancellationToken);
        }
    }

    private static async Task<string> PublishAsync(bool withSymbols, TextWriter log, CancellationToken cancellationToken)
    {
        log.WriteLine("Publishing the floor's forwarder with NativeAOT...");
        await using var publish = ManagedProcess.Start(
            "dotnet",
            ["publish", Project, "-c", "Release", "-r", RuntimeInformation.RuntimeIdentifier, "-p:PublishAot=true", withSymbols ? "-p:StripSymbols=false" : "-p:StripSymbols=true", "-p:CopyOutputSymbolsToPublishDirectory=false",
             "-o", Path.GetDirectoryName(Executable)!, "--nologo", "-v", "quiet"]);
        var exitCode = await publish.WaitForExitAsync(BuildTimeout, cancellationToken);
        if (exitCode != 0 || !File.Exists(Executable))
        {
            throw new InvalidOperationException($"Publishing the forwarder failed (exit code {exitCode}).\n{publish.Describe()}");
        }

        return Executable;
    }
}
