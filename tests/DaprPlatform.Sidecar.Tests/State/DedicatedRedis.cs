using System.Net.Sockets;
using DaprPlatform.Testing;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.State;

/// <summary>
/// A redis-server of a test's own, for set-ups the shared one must not get (TLS, a password, a replica). Runs on a
/// free port in a temporary directory; stopped and removed on dispose.
/// </summary>
internal sealed class DedicatedRedis : IAsyncDisposable
{
    private readonly ManagedProcess _process;

    private DedicatedRedis(ManagedProcess process, int port, string directory)
    {
        _process = process;
        Port = port;
        Directory = directory;
    }

    public int Port { get; }

    public string Directory { get; }

    public string Host => $"127.0.0.1:{Port}";

    /// <param name="arguments">More redis-server options; use <paramref name="tls"/> to listen with TLS only.</param>
    public static async Task<DedicatedRedis> StartAsync(IEnumerable<string> arguments, string? directory = null, bool tls = false)
    {
        directory ??= System.IO.Directory.CreateTempSubdirectory("daprplatform-redis-").FullName;
        var port = FreePort.Get();
        string[] listen = tls ? ["--port", "0", "--tls-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)] : ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)];
        var process = ManagedProcess.Start("redis-server",
        [
            .. listen, "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory, .. arguments,
        ]);
        var redis = new DedicatedRedis(process, port, directory);
        try
        {
            await redis.WaitForPortAsync();
            return redis;
        }
        catch
        {
            await redis.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open by the exiting server; the temp directory is cleaned up eventually.
        }
    }

    private async Task WaitForPortAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            Assert.False(_process.HasExited, $"redis-server exited:\n{_process.Output}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", Port, TestContext.Current.CancellationToken);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, TestContext.Current.CancellationToken);
            }
        }
    }
}
