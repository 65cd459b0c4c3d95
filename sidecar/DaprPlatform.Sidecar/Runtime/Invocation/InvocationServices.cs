using System.Net;
using System.Net.Sockets;
using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Runtime.Metrics;
using DaprPlatform.Sidecar.Runtime.NameResolution;
using DaprPlatform.Sidecar.Runtime.Resiliency;

namespace DaprPlatform.Sidecar.Runtime.Invocation;

/// <summary>Registers service invocation, name resolution, resiliency and metrics with the sidecar's services.</summary>
public static class InvocationServices
{
    public static IServiceCollection AddServiceInvocation(this IServiceCollection services)
    {
        services.AddSingleton<SidecarMetrics>();
        services.AddSingleton<IResiliencyProvider>(sp => ActivatorUtilities.CreateInstance<ResiliencyProvider>(sp));
        services.AddSingleton(sp => new FileAppRegistry(Path.Combine(sp.GetRequiredService<SidecarOptions>().DevHome, "registry")));
        services.AddSingleton<INameResolver, NameResolver>();
        services.AddHostedService<AppRegistrationService>();
        services.AddSingleton<PeerClient>();
        services.AddSingleton<HostIdentity>();
        services.AddSingleton<AppForwarder>();
        services.AddSingleton<ServiceInvoker>();
        services.AddSingleton<InternalInvocationHandler>();
        return services;
    }

    /// <summary>
    /// daprd listens for other sidecars on --dapr-internal-grpc-port, or on a random free port when it is not given;
    /// this fills in such a port so the listener, the private route and the registry entry agree on it.
    /// </summary>
    public static SidecarOptions WithInternalPort(SidecarOptions options)
    {
        if (options.InternalGrpcPort is not null)
        {
            return options;
        }

        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return options with { InternalGrpcPort = ((IPEndPoint)probe.LocalEndPoint!).Port };
    }
}
