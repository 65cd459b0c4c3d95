using DaprPlatform.Sidecar.Hosting;
using Grpc.AspNetCore.Server.Model;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DaprPlatform.Sidecar.Api.Grpc;

/// <summary>daprd's gRPC API on --dapr-grpc-port: Dapr's runtime service and durabletask's TaskHubSidecarService.</summary>
public static class GrpcApiRoutes
{
    public static IServiceCollection AddDaprGrpcApi(this IServiceCollection services, SidecarOptions options)
    {
        services.AddGrpc(o =>
        {
            // daprd's --max-body-size bounds gRPC messages too.
            o.MaxReceiveMessageSize = options.MaxBodySizeBytes is > 0 and <= int.MaxValue ? (int)options.MaxBodySizeBytes : null;
            // The outer interceptor runs first: metrics see the status the error interceptor turned an exception into.
            o.Interceptors.Add<GrpcServerMetricsInterceptor>();
            o.Interceptors.Add<GrpcErrorInterceptor>();
        });
        // Grpc.AspNetCore's own binder, replaced by one that answers unreadable requests as grpc-go does.
        services.RemoveAll(typeof(IServiceMethodProvider<>));
        services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(GoUnmarshalMethodProvider<>));
        services.AddSingleton<GrpcServiceInvoker>();
        services.AddSingleton<DaprGrpcService>();
        services.AddSingleton<WorkflowGrpcService>();
        return services;
    }

    public static void MapDaprGrpcApi(this IEndpointRouteBuilder endpoints, SidecarOptions options)
    {
        endpoints.MapGrpcService<DaprGrpcService>().RequireLocalPort(options.GrpcPort);
        endpoints.MapGrpcService<WorkflowGrpcService>().RequireLocalPort(options.GrpcPort);
    }
}
