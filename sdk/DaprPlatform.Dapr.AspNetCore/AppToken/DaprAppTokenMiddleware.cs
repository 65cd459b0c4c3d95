using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Dapr.AspNetCore;

/// <summary>Rejects requests whose <c>dapr-api-token</c> header does not match the app token with 401 problem details.</summary>
internal sealed partial class DaprAppTokenMiddleware
{
    private const string TokenHeader = "dapr-api-token";

    private readonly RequestDelegate _next;
    private readonly ILogger<DaprAppTokenMiddleware> _logger;
    private readonly byte[] _expectedHash;
    private readonly PathString[] _excludedPaths;

    public DaprAppTokenMiddleware(RequestDelegate next, ILogger<DaprAppTokenMiddleware> logger, string token, IEnumerable<string> excludedPaths)
    {
        _next = next;
        _logger = logger;
        _expectedHash = Hash(token);
        _excludedPaths = excludedPaths.Select(path => new PathString(path)).ToArray();
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (IsExcluded(context.Request.Path) || Matches(context.Request.Headers[TokenHeader]))
        {
            return _next(context);
        }

        Log.Rejected(_logger, context.Request.Method, context.Request.Path);
        return TypedResults.Problem(
                title: "Unauthorized",
                detail: "The dapr-api-token header is missing or does not match the app token.",
                statusCode: StatusCodes.Status401Unauthorized)
            .ExecuteAsync(context);
    }

    private bool IsExcluded(PathString path) => _excludedPaths.Any(path.StartsWithSegments);

    /// <summary>Comparing fixed-size hashes keeps the check constant-time in both content and length of the presented token.</summary>
    private bool Matches(Microsoft.Extensions.Primitives.StringValues presented) =>
        presented.Count == 1 && presented[0] is { } token && CryptographicOperations.FixedTimeEquals(Hash(token), _expectedHash);

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static partial class Log
    {
        // Never log the presented token: a near-miss can still be a secret.
        [LoggerMessage(1, LogLevel.Warning, "Rejected {Method} {Path}: missing or invalid dapr-api-token")]
        public static partial void Rejected(ILogger logger, string method, PathString path);
    }
}
