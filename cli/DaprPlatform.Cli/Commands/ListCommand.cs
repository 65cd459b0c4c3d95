using System.Globalization;
using System.Text;
using System.Text.Json;
using DaprPlatform.Cli.Arguments;
using DaprPlatform.Cli.Processes;
using DaprPlatform.Cli.Registry;
using DaprPlatform.Cli.Supervision;

namespace DaprPlatform.Cli.Commands;

/// <summary>
/// `dapr-dev list [-o table|json]`: the running sidecars from the app registry, with what the CLI recorded in each
/// sidecar's metadata (CLI pid, app pid, command), like `dapr list`.
/// </summary>
internal static class ListCommand
{
    public static readonly IReadOnlyList<FlagSpec> Flags =
    [
        new("output", 'o', FlagKind.String, "The output format of the list: json or table", "table"),
        new("help", 'h', FlagKind.Bool, "Print this help message"),
    ];

    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(2);

    private static readonly string[] Columns =
        ["APP ID", "HTTP PORT", "GRPC PORT", "APP PORT", "COMMAND", "AGE", "CREATED", "DAPRD PID", "CLI PID", "APP PID"];

    public static async Task<int> ExecuteAsync(IReadOnlyList<string> args, CliEnvironment environment)
    {
        var parsed = ArgumentParser.Parse(args, Flags, commandFollows: false);
        if (parsed.Bool("help"))
        {
            environment.Out.Write(Usage.List);
            return 0;
        }

        var format = parsed.String("output") ?? "table";
        if (format is not ("table" or "json"))
        {
            throw new CliUsageException($"invalid output format \"{format}\": use json or table");
        }

        var registered = AppRegistryReader.Read(environment.DevHome, Signals.IsAlive)
            .Where(app => app.DaprdPid is not { } pid || !Signals.StartedAfter(pid, app.StartedAt))
            .ToList();
        var token = environment.Variable("DAPR_API_TOKEN");
        var rows = await Task.WhenAll(registered.Select(app => DescribeAsync(app, token)));
        environment.Out.Write(format == "json" ? Json(rows) : Table(rows, DateTimeOffset.Now));
        return 0;
    }

    private static async Task<ListedApp> DescribeAsync(RegisteredApp app, string? apiToken)
    {
        var extended = new Dictionary<string, string>(StringComparer.Ordinal);
        if (app.HttpPort is { } port)
        {
            using var timeout = new CancellationTokenSource(MetadataTimeout);
            try
            {
                using var metadata = await new SidecarClient(port, apiToken).GetMetadataAsync(timeout.Token);
                if (metadata?.RootElement.TryGetProperty("extended", out var values) == true && values.ValueKind == JsonValueKind.Object)
                {
                    foreach (var property in values.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
                    {
                        extended[property.Name] = property.Value.GetString()!;
                    }
                }

                // The registry does not hold the app port; the sidecar's metadata does.
                if (app.AppPort is null
                    && metadata?.RootElement.TryGetProperty("appConnectionProperties", out var connection) == true
                    && connection.ValueKind == JsonValueKind.Object
                    && connection.TryGetProperty("port", out var appPort) && appPort.TryGetInt32(out var appPortNumber) && appPortNumber > 0)
                {
                    app = app with { AppPort = appPortNumber };
                }
            }
            catch (OperationCanceledException)
            {
                // A sidecar that does not answer in time is listed with what the registry knows.
            }
        }

        return new ListedApp(app, extended);
    }

    internal static string Table(IReadOnlyList<ListedApp> apps, DateTimeOffset now)
    {
        if (apps.Count == 0)
        {
            return "No Dapr instances found.\n";
        }

        var rows = apps.Select(a => new[]
        {
            a.App.AppId,
            Text(a.App.HttpPort),
            Text(a.App.GrpcPort),
            Text(a.App.AppPort),
            a.Extended.GetValueOrDefault("appCommand", ""),
            a.App.StartedAt is { } started ? Age(now - started) : "",
            a.App.StartedAt?.ToLocalTime().ToString("yyyy-MM-dd HH:mm.ss", CultureInfo.InvariantCulture) ?? "",
            Text(a.App.DaprdPid),
            a.Extended.GetValueOrDefault("cliPID", ""),
            a.Extended.GetValueOrDefault("appPID", ""),
        }).ToList();
        var widths = Columns.Select((c, i) => Math.Max(c.Length, rows.Max(r => r[i].Length))).ToArray();
        var text = new StringBuilder();
        foreach (var row in rows.Prepend(Columns))
        {
            text.Append("  ").AppendJoin("  ", row.Select((cell, i) => cell.PadRight(widths[i]))).Append('\n');
        }

        return text.ToString();
    }

    internal static string Json(IReadOnlyList<ListedApp> apps)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            writer.WriteStartArray();
            foreach (var (app, extended) in apps)
            {
                writer.WriteStartObject();
                writer.WriteString("appId", app.AppId);
                writer.WriteString("instanceId", app.InstanceId);
                WriteNumber(writer, "httpPort", app.HttpPort);
                WriteNumber(writer, "grpcPort", app.GrpcPort);
                WriteNumber(writer, "appPort", app.AppPort);
                writer.WriteString("command", extended.GetValueOrDefault("appCommand", ""));
                if (app.StartedAt is { } started)
                {
                    writer.WriteString("created", started);
                }

                WriteNumber(writer, "daprdPid", app.DaprdPid);
                WriteNumber(writer, "cliPid", Number(extended, "cliPID"));
                WriteNumber(writer, "appPid", Number(extended, "appPID"));
                foreach (var name in new[] { "runTemplatePath", "runTemplateName", "appLogPath", "daprdLogPath" })
                {
                    if (extended.TryGetValue(name, out var value))
                    {
                        writer.WriteString(name, value);
                    }
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    private static string Age(TimeSpan age) => age switch
    {
        { TotalMinutes: < 1 } => $"{Math.Max(0, (int)age.TotalSeconds)}s",
        { TotalHours: < 1 } => $"{(int)age.TotalMinutes}m",
        { TotalDays: < 1 } => $"{(int)age.TotalHours}h",
        _ => $"{(int)age.TotalDays}d",
    };

    private static string Text(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static int? Number(Dictionary<string, string> extended, string name) =>
        extended.TryGetValue(name, out var raw) && int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    private static void WriteNumber(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } n)
        {
            writer.WriteNumber(name, n);
        }
    }
}

internal sealed record ListedApp(RegisteredApp App, Dictionary<string, string> Extended);
