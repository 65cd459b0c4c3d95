using System.Text.Json;

namespace DaprPlatform.Gateway.Proxy;

/// <summary>
/// When the sidecar could not reach the app (not running, not registered, connection refused), it answers 5xx with
/// daprd's <c>{"errorCode": "ERR_...", "message": ...}</c>. Clients see 503 problem details naming the service instead;
/// an app's own 5xx passes through unchanged.
/// </summary>
public sealed partial class SidecarErrors(ILogger<SidecarErrors> logger)
{
    // daprd's error bodies are a line of JSON; anything larger is the app's own answer, passed on as it streams.
    private const int MaxErrorBodyLength = 16 * 1024;

    public async ValueTask MapAsync(Yarp.ReverseProxy.Transforms.ResponseTransformContext context, string appId)
    {
        var response = context.ProxyResponse;
        if (response is null
            || (int)response.StatusCode < StatusCodes.Status500InternalServerError
            || response.Content.Headers.ContentType?.MediaType != "application/json"
            || response.Content.Headers.ContentLength > MaxErrorBodyLength)
        {
            return;
        }

        // The body is read here (daprd may send it chunked), so it is this transform that passes it on when it is not daprd's error.
        context.SuppressResponseBody = true;
        var http = context.HttpContext;
        var ct = context.CancellationToken;
        await using var body = await response.Content.ReadAsStreamAsync(ct);
        var head = new byte[MaxErrorBodyLength + 1];
        var length = await body.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        if (length > MaxErrorBodyLength || !TryReadDaprError(head.AsSpan(0, length), out var errorCode, out var message))
        {
            await http.Response.Body.WriteAsync(head.AsMemory(0, length), ct);
            await body.CopyToAsync(http.Response.Body, ct);
            return;
        }

        LogInvocationFailed(appId, (int)response.StatusCode, errorCode, message);
        http.Response.Headers.ContentLength = null;
        http.Response.Headers.ContentType = default;
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = StatusCodes.Status503ServiceUnavailable, Title = $"The {appId} service is unavailable" },
        });
    }

    private static bool TryReadDaprError(ReadOnlySpan<byte> body, out string errorCode, out string? message)
    {
        errorCode = "";
        message = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            using var document = JsonDocument.ParseValue(ref reader);
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("errorCode", out var code)
                && code.ValueKind == JsonValueKind.String
                && code.GetString() is { } value
                && value.StartsWith("ERR_", StringComparison.Ordinal))
            {
                errorCode = value;
                message = document.RootElement.TryGetProperty("message", out var text) && text.ValueKind == JsonValueKind.String ? text.GetString() : null;
                return true;
            }
        }
        catch (JsonException)
        {
        }

        return false;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Invoking {AppId} through the sidecar failed: {Status} {ErrorCode} {Reason}")]
    private partial void LogInvocationFailed(string appId, int status, string errorCode, string? reason);
}
