using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace DaprPlatform.Cli.State;

/// <summary>
/// Run state files under &lt;DevHome&gt;/runs: one per run file (named after a hash of its absolute path, so
/// `stop -f` finds it from the path alone) and one per single-app `run`.
/// </summary>
internal static class RunStateStore
{
    public static string Directory(string devHome) => Path.Combine(devHome, "runs");

    public static string PathFor(string devHome, RunState state) =>
        state.RunFile is { } runFile
            ? PathForRunFile(devHome, runFile)
            : Path.Combine(Directory(devHome), $"app-{state.Apps[0].AppId}-{state.CliPid}.json");

    public static string PathForRunFile(string devHome, string runFile)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(runFile))))[..16];
        return Path.Combine(Directory(devHome), $"runfile-{hash}.json");
    }

    /// <summary>Writes atomically: a reader sees the old file or the new one, never half of one.</summary>
    public static string Write(string devHome, RunState state)
    {
        var path = PathFor(devHome, state);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + $".{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temporary, JsonSerializer.SerializeToUtf8Bytes(state, StateJsonContext.Default.RunState));
        File.Move(temporary, path, overwrite: true);
        return path;
    }

    public static RunState? Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(path), StateJsonContext.Default.RunState);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Every readable state file with its path; unreadable or foreign files are skipped.</summary>
    public static IEnumerable<(string Path, RunState State)> ReadAll(string devHome)
    {
        var directory = Directory(devHome);
        if (!System.IO.Directory.Exists(directory))
        {
            yield break;
        }

        foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*.json"))
        {
            if (Read(file) is { Apps: not null } state)
            {
                yield return (file, state);
            }
        }
    }

    public static void Delete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Left behind: `stop` treats a state file whose CLI is gone as stale.
        }
    }
}
