using System.Globalization;
using DaprPlatform.Testing;

namespace DaprPlatform.EndToEnd.Tests.Faults;

/// <summary>
/// The processes of the platform under test, found by what they run: its apps and sidecars among this test host's
/// descendants (the fixture's `dapr-dev up`, or a process a fault test relaunched — so never another engineer's
/// platform), and its RabbitMQ by the port its sidecars were given.
/// </summary>
internal static class PlatformProcesses
{
    /// <summary>The service's app process, e.g. "Ordering" (dotnet …/Ordering.dll).</summary>
    public static ProcessSnapshot App(string project) => ProcessSnapshot.Single(
        p => IsOurs(p) && !IsSidecar(p) && p.Arguments.Any(a => Path.GetFileName(a) == $"{project}.dll"),
        $"the {project} app of this test run");

    /// <summary>The sidecar of <paramref name="appId"/> (daprd --app-id appId …).</summary>
    public static ProcessSnapshot Sidecar(string appId) => ProcessSnapshot.Single(
        p => IsOurs(p) && IsSidecar(p) && p.Flag("--app-id") == appId,
        $"the {appId} sidecar of this test run");

    /// <summary>The broker the sidecars' pubsub component connects to (its beam.smp, whose node port is that port).</summary>
    public static ProcessSnapshot RabbitMq() => ProcessSnapshot.Single(
        p => Path.GetFileName(p.Arguments[0]) == "beam.smp"
            && p.Environment.GetValueOrDefault("RABBITMQ_NODE_PORT") == AmqpPort().ToString(CultureInfo.InvariantCulture),
        $"the RabbitMQ on port {AmqpPort()}");

    /// <summary>The AMQP port of the broker the platform uses (the pubsub component reads DAPRPLATFORM_AMQP_URI).</summary>
    public static int AmqpPort() => new Uri(ServerVariable("DAPRPLATFORM_AMQP_URI")).Port;

    /// <summary>host:port of the Redis the platform's state store uses.</summary>
    public static string RedisHost() => ServerVariable("DAPRPLATFORM_REDIS_HOST");

    /// <summary>The app's port (APP_PORT, which the CLI sets as `dapr run` does).</summary>
    public static int AppPort(ProcessSnapshot app) => int.Parse(app.Environment["APP_PORT"], CultureInfo.InvariantCulture);

    public static int SidecarHttpPort(ProcessSnapshot sidecar) =>
        int.Parse(sidecar.Flag("--dapr-http-port") ?? throw new InvalidOperationException($"no --dapr-http-port in {sidecar.CommandLine}"), CultureInfo.InvariantCulture);

    // The servers' addresses reach every sidecar through its environment; the gateway's is as good as any.
    private static string ServerVariable(string name) =>
        Sidecar("gateway").Environment.GetValueOrDefault(name) ?? throw new InvalidOperationException($"The gateway sidecar has no {name}.");

    private static bool IsOurs(ProcessSnapshot process) => process.IsDescendantOf(Environment.ProcessId);

    private static bool IsSidecar(ProcessSnapshot process) => SidecarProcess.IsSidecarCommandLine(process.Arguments);
}
