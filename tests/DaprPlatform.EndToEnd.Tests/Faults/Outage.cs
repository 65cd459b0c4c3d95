using System.Diagnostics;
using System.Net;
using DaprPlatform.Testing;

namespace DaprPlatform.EndToEnd.Tests.Faults;

/// <summary>
/// One part of the platform killed hard (SIGKILL to its whole process group, as a crash or an OOM kill would end it)
/// and, on <see cref="EndAsync"/> — or on dispose, so a failing test still leaves the platform whole — started again
/// exactly as it ran before and waited for until it answers. The CLI that started an app or sidecar only reports its
/// exit and keeps the rest running, as `dapr run -f` does; the relaunched copy is the test's (killed with the test
/// host), except RabbitMQ, whose stop script finds it by the pid file it writes again.
/// </summary>
internal sealed class Outage : IAsyncDisposable
{
    // Where `dapr-dev up` keeps its data; the fixture points it at its own directory, and every app and sidecar inherits it.
    private const string UpCommandDataDirectory = "DAPR_DEV_DATA_DIR";

    private static readonly TimeSpan KillTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(120);

    private readonly ProcessSnapshot _leader;
    private readonly Func<RelaunchedProcess, Task> _waitUntilReady;
    private readonly bool _outlivesTestHost;
    private readonly Stopwatch _down = Stopwatch.StartNew();
    private RelaunchedProcess? _relaunched;

    private Outage(string name, ProcessSnapshot leader, Func<RelaunchedProcess, Task> waitUntilReady, bool outlivesTestHost)
    {
        Name = name;
        _leader = leader;
        _waitUntilReady = waitUntilReady;
        _outlivesTestHost = outlivesTestHost;
    }

    public string Name { get; }

    /// <summary>UTC time the replacement was started.</summary>
    public DateTimeOffset? RelaunchedAt { get; private set; }

    /// <summary>From the kill until the replacement answered.</summary>
    public TimeSpan? Downtime { get; private set; }

    /// <summary>From the relaunch until the replacement answered: how long the part takes to come back.</summary>
    public TimeSpan? Recovery { get; private set; }

    /// <summary>Kills a service's app, e.g. "Ordering"; it is back once its /readyz (which includes its sidecar) answers 200.</summary>
    public static Task<Outage> OfAppAsync(string project)
    {
        var app = PlatformProcesses.App(project);
        var port = PlatformProcesses.AppPort(app);
        return BeginAsync($"{project} app", app, relaunched => WaitForHttpAsync(relaunched, $"http://127.0.0.1:{port}/readyz", HttpStatusCode.OK));
    }

    /// <summary>Kills an app's sidecar; it is back once its /v1.0/healthz answers 204.</summary>
    public static Task<Outage> OfSidecarAsync(string appId)
    {
        var sidecar = PlatformProcesses.Sidecar(appId);
        var port = PlatformProcesses.SidecarHttpPort(sidecar);
        return BeginAsync($"{appId} sidecar", sidecar, relaunched => WaitForHttpAsync(relaunched, $"http://127.0.0.1:{port}/v1.0/healthz", HttpStatusCode.NoContent));
    }

    /// <summary>
    /// Kills the broker (its launcher script and Erlang VM); it comes back on the same port, node name and data
    /// directory (the pubsub component's connection string names the port), with its durable queues.
    /// </summary>
    public static Task<Outage> OfRabbitMqAsync()
    {
        var port = PlatformProcesses.AmqpPort();
        return BeginAsync("RabbitMQ", PlatformProcesses.RabbitMq(), relaunched => WaitForAmqpAsync(relaunched, port), outlivesTestHost: true);
    }

    /// <summary>Starts the part again (once) and returns when it answers.</summary>
    public async Task EndAsync()
    {
        if (_relaunched is not null)
        {
            return;
        }

        _relaunched = RelaunchedProcess.Start(_leader, Path.Combine(LogDirectory(_leader), $"relaunched-{Name.Replace(' ', '-')}-{_leader.Pid}.log"), _outlivesTestHost);
        RelaunchedAt = DateTimeOffset.UtcNow;
        var recovery = Stopwatch.StartNew();
        await _waitUntilReady(_relaunched);
        Recovery = recovery.Elapsed;
        Downtime = _down.Elapsed;
    }

    public async ValueTask DisposeAsync() => await EndAsync();

    public override string ToString() =>
        $"{Name}: down {Downtime?.TotalSeconds:0.0} s, of which {Recovery?.TotalSeconds:0.0} s from the relaunch until it answered";

    private static async Task<Outage> BeginAsync(string name, ProcessSnapshot target, Func<RelaunchedProcess, Task> waitUntilReady, bool outlivesTestHost = false)
    {
        var leader = GroupLeader(target);
        // The leader's snapshot is taken before the kill: afterwards there is nothing left to read it from.
        await target.KillAsync(wholeGroup: true, KillTimeout);
        return new Outage(name, leader, waitUntilReady, outlivesTestHost);
    }

    /// <summary>
    /// What to start again: the target itself when it leads its group (the CLI starts every app and sidecar so),
    /// or its parent when that leads it (RabbitMQ's launcher script). Anything else would mean killing processes that
    /// are not the target's — the CLI, or this test host.
    /// </summary>
    private static ProcessSnapshot GroupLeader(ProcessSnapshot target)
    {
        if (target.ProcessGroup == target.Pid)
        {
            return target;
        }

        if (target.ProcessGroup == target.ParentPid && ProcessSnapshot.Of(target.ParentPid) is { } parent && parent.ProcessGroup == parent.Pid)
        {
            return parent;
        }

        throw new InvalidOperationException($"{target.Pid} ({target.CommandLine}) does not run in a process group of its own or its launcher's.");
    }

    /// <summary>Next to the part's own logs, so the run's cleanup removes them: the platform's data directory, the broker's log directory.</summary>
    private static string LogDirectory(ProcessSnapshot process) =>
        process.Environment.GetValueOrDefault(UpCommandDataDirectory)
            ?? process.Environment.GetValueOrDefault("RABBITMQ_LOG_BASE")
            ?? Path.GetTempPath();

    private static async Task WaitForAmqpAsync(RelaunchedProcess relaunched, int port)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (!await AmqpProbe.IsReadyAsync(port, TestContext.Current.CancellationToken))
        {
            if (relaunched.HasExited || DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"RabbitMQ did not accept AMQP on port {port} again{(relaunched.HasExited ? "; its launcher exited" : "")}.\n--- {relaunched.LogPath}:\n{relaunched.LogTail()}");
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }

    private static Task WaitForHttpAsync(RelaunchedProcess relaunched, string url, HttpStatusCode status) =>
        HttpWait.WaitForHttpAsync(
            url,
            status,
            ReadyTimeout,
            giveUp: () => relaunched.HasExited ? "the relaunched process exited" : null,
            diagnostics: () => $"--- {relaunched.LogPath}:\n{relaunched.LogTail()}");
}
