using DaprPlatform.Cli.Output;

namespace DaprPlatform.Cli.Supervision;

/// <summary>Stops apps (each app before its sidecar, all apps in parallel); a second Ctrl+C kills what is left.</summary>
internal static class StopSequence
{
    public static async Task StopAllAsync(IReadOnlyList<AppInstance> instances, ShutdownSignal signal, Reporter reporter, bool labelled)
    {
        var stopping = instances.Select(async instance =>
        {
            var outcome = await instance.StopAsync();
            StopReporting.Stopped(reporter, labelled ? $" \"{instance.Spec.AppId}\"" : "", outcome);
        }).ToList();
        var all = Task.WhenAll(stopping);
        if (await Task.WhenAny(all, signal.Forced) != all)
        {
            reporter.Warning("Second signal received: killing the remaining processes");
            await Task.WhenAll(instances.Select(i => i.KillAsync()));
        }

        await all;
    }
}
