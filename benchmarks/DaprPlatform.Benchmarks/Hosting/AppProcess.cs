using System.Globalization;
using System.Net;
using DaprPlatform.Benchmarks.EchoApp;
using DaprPlatform.Testing;

namespace DaprPlatform.Benchmarks.Hosting;

/// <summary>This program started again in <see cref="BenchmarkApp"/> mode, as the scenarios' target app.</summary>
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

    public static async Task<AppProcess> StartAsync(BenchmarkEnvironment environment, CancellationToken cancellationToken, params string[] extraArguments)
    {
        var port = FreePort.Get();
        var self = typeof(AppProcess).Assembly.Location;
        var process = ManagedProcess.Start(
            "dotnet",
            [self, BenchmarkApp.Mode, "--port", port.ToString(CultureInfo.InvariantCulture), .. extraArguments],
            environment.ProcessEnvironment());
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
