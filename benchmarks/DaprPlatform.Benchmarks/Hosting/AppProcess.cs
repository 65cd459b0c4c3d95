using System.Globalization;
using System.Net;
using DaprPlatform.Benchmarks.EchoApp;
using DaprPlatform.Testing;

namespace DaprPlatform.Benchmarks.Hosting;

/// <summary>
/// A process the scenarios talk to: this program started again in <see cref="BenchmarkApp"/> mode as their target
/// app, or the NativeAOT forwarder (<see cref="ForwarderBuild"/>) as one hop of the invocation scenario's floor.
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
        StartAsync("dotnet", port => [typeof(AppProcess).Assembly.Location, BenchmarkApp.Mode, "--port", port, .. extraArguments], environment.ProcessEnvironment(), cancellationToken);

    /// <summary>The <paramref name="forwarder"/> executable forwarding to <paramref name="target"/>, with the runtime settings the sidecars run with.</summary>
    public static Task<AppProcess> StartForwarderAsync(BenchmarkEnvironment environment, string forwarder, Uri target, CancellationToken cancellationToken) =>
        StartAsync(forwarder, port => ["--port", port, "--to", target.ToString()], environment.SidecarRuntimeEnvironment(), cancellationToken);

    private static async Task<AppProcess> StartAsync(
        string fileName, Func<string, string[]> arguments, IReadOnlyDictionary<string, string?> processEnvironment, CancellationToken cancellationToken)
    {
        var port = FreePort.Get();
        var process = ManagedProcess.Start(fileName, arguments(port.ToString(CultureInfo.InvariantCulture)), processEnvironment);
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
