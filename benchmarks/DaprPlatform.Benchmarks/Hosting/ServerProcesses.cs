using System.Globalization;
using DaprPlatform.Testing;

namespace DaprPlatform.Benchmarks.Hosting;

/// <summary>
/// The processes of the run's Redis, PostgreSQL and RabbitMQ, found from the ports infra/start.sh gave them: Redis by
/// its `redis-server 127.0.0.1:PORT` title, PostgreSQL by its postmaster's `-p PORT` and all its backends, RabbitMQ
/// by the home folder start.sh gave it next to PostgreSQL's data folder. Another engineer's servers on other ports
/// are not counted.
/// </summary>
public static class ServerProcesses
{
    public static IReadOnlyList<int> Redis(Infrastructure servers) =>
        [.. PlatformProcesses.AllPids().Where(pid => PlatformProcesses.ReadCommandLine(pid) is [var title, ..]
            && title.StartsWith("redis-server", StringComparison.Ordinal)
            && title.EndsWith($":{servers.RedisPort.ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal))];

    public static IReadOnlyList<int> Postgres(Infrastructure servers) =>
        Postmaster(servers) is { } postmaster ? [postmaster.Pid, .. PlatformProcesses.Descendants(postmaster.Pid)] : [];

    public static IReadOnlyList<int> RabbitMq(Infrastructure servers)
    {
        // start.sh lays out <dir>/postgres/data and <dir>/rabbitmq/home.
        if (Postmaster(servers)?.DataDirectory is not { } data || Path.GetDirectoryName(Path.GetDirectoryName(data.TrimEnd('/'))) is not { } infraDirectory)
        {
            return [];
        }

        var home = Path.Combine(infraDirectory, "rabbitmq", "home");
        var beams = PlatformProcesses.AllPids().Where(pid => PlatformProcesses.ReadCommandLine(pid).Contains(home)).ToList();
        return [.. beams, .. beams.SelectMany(PlatformProcesses.Descendants)];
    }

    private static (int Pid, string? DataDirectory)? Postmaster(Infrastructure servers)
    {
        var port = servers.PgPort.ToString(CultureInfo.InvariantCulture);
        foreach (var pid in PlatformProcesses.AllPids())
        {
            var arguments = PlatformProcesses.ReadCommandLine(pid);
            var portAt = IndexOf(arguments, "-p");
            if (arguments is [var program, ..] && program.EndsWith("/postgres", StringComparison.Ordinal) && portAt >= 0 && portAt + 1 < arguments.Count && arguments[portAt + 1] == port)
            {
                var dataAt = IndexOf(arguments, "-D");
                return (pid, dataAt >= 0 && dataAt + 1 < arguments.Count ? arguments[dataAt + 1] : null);
            }
        }

        return null;
    }

    private static int IndexOf(IReadOnlyList<string> arguments, string flag)
    {
        for (var i = 0; i < arguments.Count; i++)
        {
            if (arguments[i] == flag)
            {
                return i;
            }
        }

        return -1;
    }
}
