using System.Runtime.CompilerServices;
using DaprPlatform.Dapr.Grpc;
using DaprPlatform.Dapr.Grpc.Server;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Microsoft.AspNetCore.Builder;

public static class GrpcEndpointRouteBuilderExtensions
{
    private static readonly ConditionalWeakTable<IEndpointRouteBuilder, object> UnknownServiceMapped = new();

    /// <summary>
    /// Starts mapping a gRPC service: add its methods with <see cref="GrpcServiceEndpointBuilder.MapUnary{TRequest,TResponse}(string,UnaryServerMethod{TRequest,TResponse})"/>
    /// and <see cref="GrpcServiceEndpointBuilder.MapServerStreaming{TRequest,TResponse}(string,ServerStreamingServerMethod{TRequest,TResponse})"/>.
    /// gRPC requests for a method that is not mapped, or for a service that is not mapped, get UNIMPLEMENTED (status 12).
    /// The endpoint must speak HTTP/2 (for cleartext: a Kestrel endpoint with <c>HttpProtocols.Http2</c>).
    /// </summary>
    public static GrpcServiceEndpointBuilder MapGrpcService(this IEndpointRouteBuilder endpoints, string serviceName, GrpcServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceName);

        MapUnknownServiceFallback(endpoints);
        return new GrpcServiceEndpointBuilder(endpoints, serviceName, options ?? new GrpcServerOptions());
    }

    private static void MapUnknownServiceFallback(IEndpointRouteBuilder endpoints)
    {
        if (UnknownServiceMapped.TryGetValue(endpoints, out _))
        {
            return;
        }

        UnknownServiceMapped.Add(endpoints, new object());
        var pattern = RoutePatternFactory.Parse(
            "/{unimplementedService}/{unimplementedMethod}",
            defaults: (RouteValueDictionary?)null,
            parameterPolicies: new RouteValueDictionary { ["unimplementedService"] = new GrpcContentTypeRouteConstraint() });
        endpoints.Map(pattern, context => GrpcUnimplemented.RespondAsync(context, "Service is unimplemented."))
            .WithMetadata(new HttpMethodMetadata([HttpMethods.Post]))
            .WithDisplayName("gRPC - unimplemented service")
            .WithOrder(int.MaxValue);
    }
}
