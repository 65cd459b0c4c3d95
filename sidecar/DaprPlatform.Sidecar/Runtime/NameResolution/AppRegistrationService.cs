using System.Net;
using DaprPlatform.Sidecar.Hosting;

namespace DaprPlatform.Sidecar.Runtime.NameResolution;

/// <summary>
/// Announces this sidecar in the <see cref="FileAppRegistry"/> once its listeners are open, and withdraws the entry
/// as soon as shutdown begins, so other sidecars stop sending it calls before it stops answering them.
/// </summary>
public sealed partial class AppRegistrationService(
    FileAppRegistry registry,
    SidecarOptions options,
    IHostApplicationLifetime lifetime,
    TimeProvider time,
    ILogger<AppRegistrationService> logger) : IHostedService
{
    private readonly string _instanceId = Guid.NewGuid().ToString("N");
    private string? _file;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.AppId.Length > 0 && options.InternalGrpcPort is not null)
        {
            lifetime.ApplicationStarted.Register(Register);
            lifetime.ApplicationStopping.Register(Unregister);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Unregister();
        return Task.CompletedTask;
    }

    /// <summary>The address other sidecars on this machine use: the first listen address, loopback for wildcards.</summary>
    public static string AdvertisedHost(SidecarOptions options)
    {
        var first = options.ListenAddress.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (first is null or "localhost" || !IPAddress.TryParse(first, out var address) || address.Equals(IPAddress.Any))
        {
            return "127.0.0.1";
        }

        return address.Equals(IPAddress.IPv6Any) ? "::1" : address.ToString();
    }

    private void Register()
    {
        var registration = new AppRegistration(
            options.AppId, options.Namespace, AdvertisedHost(options), options.InternalGrpcPort!.Value, options.HttpPort, options.GrpcPort,
            Environment.ProcessId, time.GetUtcNow());
        try
        {
            _file = registry.Register(registration, _instanceId);
            LogRegistered(logger, options.AppId, _file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogRegistrationFailed(logger, registry.Root, e);
        }
    }

    private void Unregister()
    {
        if (Interlocked.Exchange(ref _file, null) is { } file)
        {
            FileAppRegistry.Unregister(file);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Registered app {AppId} for name resolution in {File}")]
    private static partial void LogRegistered(ILogger logger, string appId, string file);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not register for name resolution in {Root}; other sidecars will not find this app")]
    private static partial void LogRegistrationFailed(ILogger logger, string root, Exception exception);
}
