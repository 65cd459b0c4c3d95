using System.Globalization;
using System.Text.Json;

namespace DaprPlatform.Cli.Registry;

/// <summary>
/// Reads the app registry the sidecars keep (&lt;DevHome&gt;/registry/&lt;appId&gt;/&lt;instanceId&gt;.json, our stand-in
/// for mDNS). Tolerant by design, since the sidecars own the format: property names in any case, numbers as
/// numbers or strings, unknown fields ignored, unreadable files skipped, and entries whose process is gone dropped.
/// </summary>
internal static class AppRegistryReader
{
    public static string Directory(string devHome) => Path.Combine(devHome, "registry");

    public static IReadOnlyList<RegisteredApp> Read(string devHome, Func<int, bool> isAlive)
    {
        var root = Directory(devHome);
        if (!System.IO.Directory.Exists(root))
        {
            return [];
        }

        var apps = new List<RegisteredApp>();
        foreach (var appDirectory in System.IO.Directory.EnumerateDirectories(root))
        {
            foreach (var file in System.IO.Directory.EnumerateFiles(appDirectory, "*.json"))
            {
                if (ReadFile(file, Path.GetFileName(appDirectory)) is { } app && (app.DaprdPid is not { } pid || isAlive(pid)))
                {
                    apps.Add(app);
                }
            }
        }

        return [.. apps.OrderBy(a => a.AppId, StringComparer.Ordinal).ThenBy(a => a.StartedAt)];
    }

    private static RegisteredApp? ReadFile(string file, string directoryAppId)
    {
        JsonDocument document;
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            document = JsonDocument.Parse(stream);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var fields = new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                fields[property.Name] = property.Value.Clone();
            }

            return new RegisteredApp(
                String(fields, "appId", "app_id", "id") ?? directoryAppId,
                String(fields, "instanceId", "instance_id") ?? Path.GetFileNameWithoutExtension(file),
                Int(fields, "httpPort", "daprHttpPort", "http_port"),
                Int(fields, "grpcPort", "daprGrpcPort", "grpc_port"),
                Int(fields, "appPort", "app_port"),
                Int(fields, "pid", "daprdPid", "processId"),
                Time(fields, "startedAt", "started", "created", "registeredAt"),
                file);
        }
    }

    private static JsonElement? Field(Dictionary<string, JsonElement> fields, string[] names) =>
        names.Select(n => fields.TryGetValue(n, out var v) ? v : (JsonElement?)null).FirstOrDefault(v => v is not null);

    private static string? String(Dictionary<string, JsonElement> fields, params string[] names) =>
        Field(fields, names) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    private static int? Int(Dictionary<string, JsonElement> fields, params string[] names) => Field(fields, names) switch
    {
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt32(out var n) => n,
        { ValueKind: JsonValueKind.String } v when int.TryParse(v.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    private static DateTimeOffset? Time(Dictionary<string, JsonElement> fields, params string[] names) => Field(fields, names) switch
    {
        { ValueKind: JsonValueKind.String } v when DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) => t,
        { ValueKind: JsonValueKind.Number } v when v.TryGetInt64(out var seconds) => DateTimeOffset.FromUnixTimeSeconds(seconds),
        _ => null,
    };
}
