using System.Text.Json;

namespace DaprPlatform.Sidecar.Api;

/// <summary>
/// Turns <see cref="DaprErrorException"/> into daprd's error body, and anything unexpected into a logged 500 rather
/// than a dropped connection, so no request can take the sidecar down.
/// </summary>
public sealed partial class ErrorHandlingMiddleware(RequestDelegate next, ILogger<ErrorHandlingMiddleware> logger)
{
    // Go's encoding/json leaves quotes and apostrophes in messages as they are ("couldn't find service").
    private static readonly JsonWriterOptions GoLikeJson = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (DaprErrorException e)
        {
            await WriteAsync(context, e.Error);
        }
        catch (BadHttpRequestException e)
        {
            await WriteAsync(context, e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? new DaprError(413, "ERR_BODY_READ", $"request body too large: {e.Message}")
                : DaprErrors.Malformed(e.Message));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The caller went away; nothing to answer.
        }
        catch (Exception e)
        {
            LogUnhandled(logger, context.Request.Method, context.Request.Path, e);
            await WriteAsync(context, new DaprError(500, "ERR_INTERNAL", $"internal error: {e.Message}"));
        }
    }

    public static async Task WriteAsync(HttpContext context, DaprError error)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = error.Status;
        context.Response.ContentType = "application/json";
        await using var writer = new Utf8JsonWriter(context.Response.Body, GoLikeJson);
        writer.WriteStartObject();
        writer.WriteString("errorCode", error.ErrorCode);
        writer.WriteString("message", error.Message);
        writer.WriteEndObject();
        await writer.FlushAsync(context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, string method, string path, Exception exception);
}
