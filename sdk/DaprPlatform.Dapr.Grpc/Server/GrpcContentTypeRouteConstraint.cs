using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace DaprPlatform.Dapr.Grpc.Server;

/// <summary>Lets the "unimplemented" catch-all endpoints match only gRPC requests, so they never shadow plain HTTP routes.</summary>
internal sealed class GrpcContentTypeRouteConstraint : IRouteConstraint
{
    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        httpContext is not null && GrpcProtocol.IsGrpcContentType(httpContext.Request.ContentType);
}
