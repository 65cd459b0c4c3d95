using DaprPlatform.Cli.State;
using DaprPlatform.Testing;

namespace DaprPlatform.Cli.Tests.Support;

/// <summary>`dotnet dapr-dev.dll ...` as a real process, with its own DAPR_DEV_HOME, running the built sidecar.</summary>
internal sealed class CliProcess : IAsyncDisposable
{
    public static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(90);

    private CliProcess(ManagedProcess process, string devHome)
    {
        Process = process;
        DevHome = devHome;
    }

    public ManagedProcess Process { get; }

    public string DevHome { get; }

    public string Output => Process.Output;

    /// <param name="environment">Added to the test's environment; a null value removes a variable.</param>
    public static CliProcess Start(
        IEnumerable<string> args,
        string devHome,
        string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null)
    {
        var variables = new Dictionary<string, string?>
        {
            ["DAPR_DEV_DAPRD"] = BuildOutputs.Daprd,
            ["DAPR_DEV_HOME"] = devHome,
            // The test run's own servers (./test.sh exports them) must not leak into what the CLI chooses.
            ["DAPRPLATFORM_REDIS_HOST"] = null,
            ["DAPRPLATFORM_AMQP_URI"] = null,
            ["DAPRPLATFORM_PG_CONNECTION"] = null,
            ["DAPRPLATFORM_SECRETS_FILE"] = null,
        };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            variables[name] = value;
        }

        var process = ManagedProcess.Start("dotnet", [BuildOutputs.CliDll, .. args], variables, workingDirectory);
        return new CliProcess(process, devHome);
    }

    public Task<string> WaitForLineAsync(string fragment, TimeSpan? timeout = null) =>
        Process.WaitForOutputAsync(line => line.Contains(fragment, StringComparison.Ordinal), timeout ?? StartupTimeout);

    public Task<int> WaitForExitAsync(TimeSpan? timeout = null) => Process.WaitForExitAsync(timeout ?? StartupTimeout);

    /// <summary>SIGTERM, as `kill` or a service manager sends (Ctrl+C is SIGINT, handled the same way); returns the exit code.</summary>
    public async Task<int> TerminateAsync()
    {
        await Process.StopAsync(TimeSpan.FromSeconds(60));
        return Process.ExitCode ?? throw new InvalidOperationException("the CLI did not exit");
    }

    /// <summary>The run state the CLI wrote (pids of everything it started), once it is there.</summary>
    public async Task<RunState> RunStateAsync()
    {
        var deadline = DateTime.UtcNow + StartupTimeout;
        while (true)
        {
            var state = RunStateStore.ReadAll(DevHome).Select(r => r.State).FirstOrDefault();
            if (state is not null)
            {
                return state;
            }

            if (DateTime.UtcNow > deadline || Process.HasExited)
            {
                throw new TimeoutException($"the CLI wrote no run state.\n{Process.Describe()}");
            }

            await Task.Delay(100);
        }
    }

    public string Describe() => Process.Describe();

    public ValueTask DisposeAsync() => Process.DisposeAsync();
}
