using System.Security.Cryptography;
using System.Text;
using Grpc.Core;

namespace DaprPlatform.Sidecar.Api;

/// <summary>
/// DAPR_API_TOKEN: every API call must carry <c>dapr-api-token</c>, except GET of the health routes. The header is
/// removed once checked so it never travels on to another app.
/// </summary>
public sealed class ApiTokenMiddleware(RequestDelegate next, string token)
{
    public const string HeaderName = "dapr-api-token";
    private readonly byte[] _expected = Encoding.UTF8.GetBytes(token);

    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsExempt(context.Request))
        {
            var presented = context.Request.Headers[HeaderName].ToString();
            if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _expected))
            {
                if (context.Request.ContentType?.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase) == true)
                {
                    RejectGrpc(context.Response);
                    return;
                }

                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync("invalid api token\n", context.RequestAborted);
                return;
            }
        }

        context.Request.Headers.Remove(HeaderName);
        await next(context);
    }

    /// <summary>
    /// daprd's gRPC interceptor answers UNAUTHENTICATED with the text of HTTP 401 (invokev1.ErrorFromHTTPResponseCode),
    /// as a trailers-only response so gRPC clients read a status, not an HTTP error.
    /// </summary>
    private static void RejectGrpc(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "application/grpc";
        response.Headers["grpc-status"] = ((int)StatusCode.Unauthenticated).ToString(System.Globalization.CultureInfo.InvariantCulture);
        response.Headers["grpc-message"] = "Unauthorized";
    }

    private static bool IsExempt(HttpRequest request) =>
        HttpMethods.IsGet(request.Method)
        && request.Path.Value is { } path
        && (path.EndsWith("/healthz", StringComparison.Ordinal) || path.EndsWith("/healthz/outbound", StringComparison.Ordinal))
        && path.StartsWith("/v1.0", StringComparison.Ordinal);
}
