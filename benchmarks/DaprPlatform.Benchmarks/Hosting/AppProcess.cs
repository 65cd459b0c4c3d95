using System.Globalization;
using System.Net;
using DaprPlatform.Benchmarks.EchoApp;
using DaprPlatform.Benchmarks.Forwarder;
using DaprPlatform.Testing;

namespace DaprPlatform.Benchmarks.Hosting;

/// <summary>
/// This program started again as a process of its own: in <see cref="BenchmarkApp"/> mode as the scenarios' target
/// app, or in <see cref="MinimalForwarder"/> mode as one hop of the invocation scenario's floor.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly ManagedProcess _process;

    private AppProcess(ManagedProcess process, int port)
    {
        _process = process;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}");
    }

    public int Port { get; }

    public Uri BaseAddress { get; }

    public int Pid => _process.Id;

    public static Task<AppProcess> StartAsync(BenchmarkEnvironment environment, CancellationToken cancellationToken, params string[] extraArguments) =>
        StartAsync(BenchmarkApp.Mode, extraArguments, environment.ProcessEnvironment(), cancellationToken);

    /// <summary>A forwarder to <paramref name="target"/>, with the runtime settings the sidecars run with.</summary>
    public static Task<AppProcess> StartForwarderAsync(BenchmarkEnvironment environment, Uri target, CancellationToken cancellationToken) =>
        StartAsync(MinimalForwarder.Mode, ["--to", target.ToString()], environment.SidecarRuntimeEnvironment(), cancellationToken);

    private static async Task<AppProcess> StartAsync(
        string mode, IReadOnlyList<string> extraArguments, IReadOnlyDictionary<string, string?> processEnvironment, CancellationToken cancellationToken)
    {
        var port = FreePort.Get();
        var self = typeof(AppProcess).Assembly.Location;
        var process = ManagedProcess.Start(
            "dotnet",
            [self, mode, "--port", port.ToString(CultureInfo.InvariantCulture), .. extraArguments],
            processEnvironment);
        var app = new AppProcess(process, port);
        try
        {
            await process.WaitForHttpAsync($"http://127.0.0.1:{port}{BenchmarkApp.HealthPath}", HttpStatusCode.OK, TimeSpan.FromSeconds(60), cancellationToken);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();
}
