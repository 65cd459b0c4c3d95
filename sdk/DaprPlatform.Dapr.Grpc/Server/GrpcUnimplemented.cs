using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Dapr.Grpc.Server;

/// <summary>The trailers-only UNIMPLEMENTED answer for unknown services and methods.</summary>
internal static class GrpcUnimplemented
{
    public static Task RespondAsync(HttpContext context, string detail)
    {
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.StatusHeader] = ((int)StatusCode.Unimplemented).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers[GrpcProtocol.MessageHeader] = GrpcStatusMessage.Encode(detail);
        return Task.CompletedTask;
    }
}
