using System.Globalization;
using System.Text;

namespace DaprPlatform.Cli.Output;

/// <summary>
/// A per-run log file named like the Dapr CLI's: &lt;logs dir&gt;/&lt;appID&gt;_&lt;app|daprd&gt;_&lt;yyyyMMddHHmmss&gt;.log.
/// Lines are flushed as they come, so `tail -f` follows a running app.
/// </summary>
internal sealed class LogFile : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly Lock _gate = new();
    private bool _closed;

    private LogFile(string path, StreamWriter writer)
    {
        Path = path;
        _writer = writer;
    }

    public string Path { get; }

    public static LogFile Create(string directory, string appId, string kind, DateTime startedAt)
    {
        Directory.CreateDirectory(directory);
        var name = $"{appId}_{kind}_{startedAt.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture)}.log";
        var path = System.IO.Path.Combine(directory, name);
        var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        return new LogFile(path, new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true });
    }

    public void WriteLine(string line)
    {
        lock (_gate)
        {
            if (!_closed)
            {
                _writer.WriteLine(line);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _closed = true;
            _writer.Dispose();
        }
    }
}
