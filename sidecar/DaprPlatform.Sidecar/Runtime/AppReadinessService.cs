using DaprPlatform.Sidecar.Hosting;

namespace DaprPlatform.Sidecar.Runtime;

/// <summary>Marks the app channel ready once the app's port opens; other start-up work can await <see cref="AppReady"/>.</summary>
public sealed partial class AppReadinessService(AppChannel channel, RuntimeMetadata runtime, SidecarOptions options, ILogger<AppReadinessService> logger)
    : BackgroundService
{
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the app accepts connections (immediately when the sidecar runs without an app).</summary>
    public Task AppReady => _ready.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (channel.HasApp)
        {
            LogWaiting(logger, options.AppPort!.Value);
            await channel.WaitForAppPortAsync(stoppingToken);
            LogReady(logger, options.AppPort!.Value);
        }

        runtime.AppReady = true;
        _ready.TrySetResult();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for the app on port {Port}")]
    private static partial void LogWaiting(ILogger logger, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "App is listening on port {Port}")]
    private static partial void LogReady(ILogger logger, int port);
}
