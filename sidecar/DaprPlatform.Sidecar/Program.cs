using DaprPlatform.Sidecar.Components;
using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Resources;

try
{
    var options = CommandLine.Parse(args, Environment.GetEnvironmentVariables());
    var resources = ResourceLoader.Load(options);
    await using var app = SidecarHost.Build(options, resources);
    await SidecarHost.InitializeAsync(app, CancellationToken.None);
    StartupMemory.ReleaseWhenStarted(app.Lifetime);
    await app.RunAsync();
    return 0;
}
catch (Exception e) when (e is CommandLineException or ResourceException or ComponentInitException)
{
    await Console.Error.WriteLineAsync($"fatal: {e.Message}");
    return 1;
}
