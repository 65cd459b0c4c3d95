using System.Diagnostics;
using System.Text.Json;

namespace DaprPlatform.Sidecar.Runtime.NameResolution;

/// <summary>
/// The on-disk directory of running sidecars that stands in for mDNS on a developer machine:
/// <c>{root}/{appId}/{instanceId}.json</c>, one file per sidecar. Files are written atomically (temp file +
/// rename) so readers never see half an entry; an entry whose process is gone is stale and is deleted by
/// whoever finds it.
/// </summary>
public sealed class FileAppRegistry(string root)
{
    // A process started this long after the entry was written cannot be the one that wrote it (its pid was reused).
    private static readonly TimeSpan StartTimeTolerance = TimeSpan.FromSeconds(5);

    public string Root { get; } = root;

    /// <summary>Writes the entry and returns its file, to delete with <see cref="Unregister"/>.</summary>
    public string Register(AppRegistration registration, string instanceId)
    {
        var directory = Path.Combine(Root, registration.AppId);
        Directory.CreateDirectory(directory);
        var file = Path.Combine(directory, instanceId + ".json");
        var temp = Path.Combine(directory, $".{instanceId}.{Guid.NewGuid():N}.tmp");
        File.WriteAllBytes(temp, JsonSerializer.SerializeToUtf8Bytes(registration, NameResolutionJsonContext.Default.AppRegistration));
        File.Move(temp, file, overwrite: true);
        return file;
    }

    public static void Unregister(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover entry is recognised as stale by its dead pid.
        }
    }

    /// <summary>The live instances registered under this app id (any namespace), stale entries removed.</summary>
    public List<AppRegistration> ReadInstances(string appId)
    {
        var instances = new List<AppRegistration>();
        var directory = Path.Combine(Root, appId);
        if (appId.Length == 0 || appId.IndexOfAny(['/', '\\']) >= 0 || appId is "." or ".." || !Directory.Exists(directory))
        {
            return instances;
        }

        foreach (var file in Directory.EnumerateFiles(directory, "*.json"))
        {
            var registration = TryRead(file);
            if (registration is null)
            {
                continue;
            }

            if (IsAlive(registration))
            {
                instances.Add(registration);
            }
            else
            {
                Unregister(file);
            }
        }

        // A stable order, so round-robin over the list visits every instance.
        instances.Sort((a, b) => (a.Pid, a.InternalPort).CompareTo((b.Pid, b.InternalPort)));
        return instances;
    }

    private static AppRegistration? TryRead(string file)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(file), NameResolutionJsonContext.Default.AppRegistration);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            // Deleted between listing and reading, or not an entry of ours.
            return null;
        }
    }

    public static bool IsAlive(AppRegistration registration)
    {
        if (registration.Pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var process = Process.GetProcessById(registration.Pid);
            if (process.HasExited)
            {
                return false;
            }

            return process.StartTime.ToUniversalTime() <= registration.StartedAt.UtcDateTime + StartTimeTolerance;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return false;
        }
    }
}
