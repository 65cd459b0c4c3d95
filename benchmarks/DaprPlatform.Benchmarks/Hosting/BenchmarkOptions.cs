using System.Globalization;

namespace DaprPlatform.Benchmarks.Hosting;

/// <summary>
/// The command line: <c>[all|startup|invoke|state|pubsub|workflow|orders ...] [--duration 10s] [--warmup 3s] [--concurrency 16] [--workflow-concurrency 64] [--rate 1000]
/// [--requests N] [--payload 1024] [--order-rate 50] [--orders-in-flight 32] [--markdown FILE] [--build-sidecar] [--profile] [--logs DIR] [--sidecar-env NAME=VALUE]
/// [--baseline-sidecar PATH [--baseline-label NAME] [--label NAME]]</c>.
/// </summary>
public sealed record BenchmarkOptions
{
    public static readonly string[] ScenarioNames = ["startup", "invoke", "state", "pubsub", "workflow", "orders"];

    public const int DefaultOrderRate = 50;

    public const int DefaultOrdersInFlight = 32;

    public IReadOnlyList<string> Scenarios { get; init; } = ScenarioNames;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan Warmup { get; init; } = TimeSpan.FromSeconds(3);

    public int Concurrency { get; init; } = 16;

    public int WorkflowConcurrency { get; init; } = 64;

    /// <summary>Requests per second of the fixed-rate runs (Dapr's perf tests use 1000); 0 runs only the closed loop.</summary>
    public int Rate { get; init; } = 1000;

    public long? MaxOperations { get; init; }

    public int PayloadSize { get; init; } = 1024;

    /// <summary>Orders per second of the orders scenario's fixed-rate phase (issue 10 judges latency at 50/s).</summary>
    public int OrderRate { get; init; } = DefaultOrderRate;

    /// <summary>Orders in flight in the orders scenario's closed loop.</summary>
    public int OrdersInFlight { get; init; } = DefaultOrdersInFlight;

    public string? MarkdownPath { get; init; }

    public bool RebuildSidecar { get; init; }

    public bool Profile { get; init; }

    public string? LogDirectory { get; init; }

    /// <summary>
    /// Another sidecar build (a NativeAOT daprd or a daprd.dll) every scenario also runs on, just before this build,
    /// in the same run; the figures of both are then set side by side.
    /// </summary>
    public string? BaselineSidecar { get; init; }

    public string BaselineLabel { get; init; } = "baseline";

    /// <summary>What the build under test is called next to the baseline.</summary>
    public string Label { get; init; } = "this build";

    /// <summary>Extra environment for every sidecar (--sidecar-env NAME=VALUE), to compare runtime settings.</summary>
    public IReadOnlyDictionary<string, string> SidecarEnvironment { get; init; } = new Dictionary<string, string>();

    public const string Usage = """
        usage: dotnet run -c Release --project benchmarks/DaprPlatform.Benchmarks -- [all|startup|invoke|state|pubsub|workflow|orders ...] [options]
          --duration 10s     measured time per variant (ms, s or m; a bare number is seconds)
          --warmup 3s        unmeasured warmup before each variant
          --concurrency 16   concurrent connections / workers
          --workflow-concurrency 64   workflows in flight at once in the workflow scenario
          --rate 1000        invoke/state/pubsub also run at this fixed request rate (as Dapr's perf tests do); 0 = closed loop only
          --requests N       also stop a variant after N measured operations
          --payload 1024     bytes per request body, state value or message
          --order-rate 50    orders per second of the orders scenario's fixed-rate phase
          --orders-in-flight 32   orders in flight in the orders scenario's closed loop
          --markdown FILE    where to write the markdown section (default: a file in the temp dir)
          --build-sidecar    rebuild sidecar/DaprPlatform.Sidecar in Release first
          --sidecar-env NAME=VALUE   extra environment for every sidecar (repeatable), e.g. runtime settings to compare
          --baseline-sidecar PATH    also run every scenario on this sidecar build (a daprd or a daprd.dll), just before
                             this build's run, and print both side by side (benchmarks/publish-sidecar-at.sh makes one)
          --baseline-label NAME      the baseline's name in the tables (default: baseline)
          --label NAME       this build's name in the tables (default: this build)
          --logs DIR         save each sidecar's output to DIR/<app-id>-<pid>.log when it stops
          --profile          sample the sidecars with Linux perf during their variant and print the hottest functions
                             (with perf maps and W^X off: figures are for finding hot spots, not for the docs)
        Redis, RabbitMQ (and for orders PostgreSQL) come from the DAPRPLATFORM_* variables, or are started with infra/start.sh and stopped at the end.
        """;

    public static BenchmarkOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchmarkOptions();
        var scenarios = new List<string>();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{arg} needs a value");
            switch (arg)
            {
                case "all":
                    scenarios.AddRange(ScenarioNames);
                    break;
                case "--duration":
                    options = options with { Duration = ParseDuration(Value()) };
                    break;
                case "--warmup":
                    options = options with { Warmup = ParseDuration(Value()) };
                    break;
                case "--concurrency":
                    options = options with { Concurrency = ParsePositive(arg, Value()) };
                    break;
                case "--workflow-concurrency":
                    options = options with { WorkflowConcurrency = ParsePositive(arg, Value()) };
                    break;
                case "--rate":
                    options = options with { Rate = ParseNonNegative(arg, Value()) };
                    break;
                case "--requests":
                    options = options with { MaxOperations = ParsePositive(arg, Value()) };
                    break;
                case "--payload":
                    options = options with { PayloadSize = ParsePositive(arg, Value()) };
                    break;
                case "--order-rate":
                    options = options with { OrderRate = ParsePositive(arg, Value()) };
                    break;
                case "--orders-in-flight":
                    options = options with { OrdersInFlight = ParsePositive(arg, Value()) };
                    break;
                case "--markdown":
                    options = options with { MarkdownPath = Path.GetFullPath(Value()) };
                    break;
                case "--build-sidecar":
                    options = options with { RebuildSidecar = true };
                    break;
                case "--sidecar-env":
                    var assignment = Value();
                    var equals = assignment.IndexOf('=');
                    options = equals > 0
                        ? options with { SidecarEnvironment = new Dictionary<string, string>(options.SidecarEnvironment) { [assignment[..equals]] = assignment[(equals + 1)..] } }
                        : throw new ArgumentException($"--sidecar-env needs NAME=VALUE, not '{assignment}'");
                    break;
                case "--baseline-sidecar":
                    options = options with { BaselineSidecar = Path.GetFullPath(Value()) };
                    break;
                case "--baseline-label":
                    options = options with { BaselineLabel = Value() };
                    break;
                case "--label":
                    options = options with { Label = Value() };
                    break;
                case "--logs":
                    options = options with { LogDirectory = Path.GetFullPath(Value()) };
                    break;
                case "--profile":
                    options = options with { Profile = true };
                    break;
                default:
                    scenarios.Add(ScenarioNames.Contains(arg, StringComparer.Ordinal)
                        ? arg
                        : throw new ArgumentException($"unknown argument '{arg}'"));
                    break;
            }
        }

        return scenarios.Count == 0 ? options : options with { Scenarios = scenarios.Distinct(StringComparer.Ordinal).ToList() };
    }

    /// <summary>"500ms", "10s", "2m" or a bare number of seconds.</summary>
    public static TimeSpan ParseDuration(string text)
    {
        var (number, unit) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : text.EndsWith('m') ? (text[..^1], 60.0)
            : (text, 1.0);
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0 && value <= 3600 / unit
            ? TimeSpan.FromSeconds(value * unit)
            : throw new ArgumentException($"'{text}' is not a duration such as 10s, 500ms or 1m (at most an hour)");
    }

    private static int ParseNonNegative(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"{name} needs a whole number, not '{text}'");

    private static int ParsePositive(string name, string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0
            ? value
            : throw new ArgumentException($"{name} needs a positive whole number, not '{text}'");
}
