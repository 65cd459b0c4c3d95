using DaprPlatform.Cli.Launch;

namespace DaprPlatform.Cli.Output;

/// <summary>
/// Where the lines of one app's two processes go. `run` prints the app's lines as "== APP == ..." and daprd's as
/// they are. A run file prints "== APP - id == ..." and "== DAPR - id == ..." (several sidecars share the console)
/// and writes the app's and daprd's log files per appLogDestination / daprdLogDestination.
/// </summary>
internal sealed class OutputRouting : IDisposable
{
    private readonly Reporter _reporter;
    private readonly string _appPrefix;
    private readonly string _daprdPrefix;
    private readonly bool _appToConsole;
    private readonly bool _daprdToConsole;

    private OutputRouting(Reporter reporter, string appPrefix, string daprdPrefix, bool appToConsole, bool daprdToConsole, LogFile? appLog, LogFile? daprdLog)
    {
        _reporter = reporter;
        _appPrefix = appPrefix;
        _daprdPrefix = daprdPrefix;
        _appToConsole = appToConsole;
        _daprdToConsole = daprdToConsole;
        AppLog = appLog;
        DaprdLog = daprdLog;
    }

    public LogFile? AppLog { get; }

    public LogFile? DaprdLog { get; }

    public static OutputRouting ForSingleApp(Reporter reporter) =>
        new(reporter, "== APP == ", "", appToConsole: true, daprdToConsole: true, appLog: null, daprdLog: null);

    public static OutputRouting ForRunFile(Reporter reporter, AppLaunchSpec spec, DateTime startedAt)
    {
        LogFile? daprdLog = null;
        LogFile? appLog = null;
        if (spec.LogsDirectory is { } logs)
        {
            if (spec.DaprdLogDestination.ToFile())
            {
                daprdLog = LogFile.Create(logs, spec.AppId, "daprd", startedAt);
            }

            if (spec.AppLogDestination.ToFile() && spec.Command.Count > 0)
            {
                appLog = LogFile.Create(logs, spec.AppId, "app", startedAt);
            }
        }

        return new OutputRouting(
            reporter,
            $"== APP - {spec.AppId} == ",
            $"== DAPR - {spec.AppId} == ",
            spec.AppLogDestination.ToConsole(),
            spec.DaprdLogDestination.ToConsole(),
            appLog,
            daprdLog);
    }

    public void AppLine(string line)
    {
        var prefixed = _appPrefix + line;
        AppLog?.WriteLine(prefixed);
        if (_appToConsole)
        {
            _reporter.Line(prefixed);
        }
    }

    public void DaprdLine(string line)
    {
        DaprdLog?.WriteLine(line);
        if (_daprdToConsole)
        {
            _reporter.Line(_daprdPrefix + line);
        }
    }

    public void Dispose()
    {
        AppLog?.Dispose();
        DaprdLog?.Dispose();
    }
}
