using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;

namespace DaprPlatform.Dapr.Client.Internal;

/// <summary>Turns non-success sidecar responses into the client's typed exceptions.</summary>
internal static class DaprErrors
{
    private const string EtagMismatch = "etag mismatch";

    // ProblemDetails carries its own converter; a private web-default options instance keeps user resolvers out of it.
    private static readonly JsonSerializerOptions ProblemJsonOptions = new(JsonSerializerDefaults.Web);

    public static async Task<DaprApiException> ReadApiExceptionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        return ParseApiError(response.StatusCode, body) ?? new DaprApiException(response.StatusCode, null, DescribeUnparsed(response, body));
    }

    /// <summary>State writes: an ETag conflict becomes <see cref="DaprStateConcurrencyException"/> so callers can catch-and-retry.</summary>
    public static async Task<DaprApiException> ReadStateWriteExceptionAsync(HttpResponseMessage response, string storeName, string? key, CancellationToken cancellationToken)
    {
        var error = await ReadApiExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        return IsEtagConflict(error)
            ? new DaprStateConcurrencyException(storeName, key, error.StatusCode, error.ErrorCode, error.Message, error.Details)
            : error;
    }

    public static async Task<DaprInvocationException> ReadInvocationExceptionAsync(HttpResponseMessage response, string appId, string methodName, CancellationToken cancellationToken)
    {
        var body = await ReadBodyAsync(response, cancellationToken).ConfigureAwait(false);
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        ProblemDetails? problem = null;
        DaprApiException? sidecarError = null;

        if (string.Equals(mediaType, DaprHeaders.ProblemJson, StringComparison.OrdinalIgnoreCase))
        {
            problem = TryDeserialize(body, static text => JsonSerializer.Deserialize<ProblemDetails>(text, ProblemJsonOptions));
        }
        else if (string.Equals(mediaType, DaprHeaders.ApplicationJson, StringComparison.OrdinalIgnoreCase))
        {
            sidecarError = ParseApiError(response.StatusCode, body);
        }

        return new DaprInvocationException(appId, methodName, response.StatusCode, body, problem, sidecarError);
    }

    private static bool IsEtagConflict(DaprApiException error) =>
        error.StatusCode == HttpStatusCode.Conflict
        || (error.ErrorCode is "ERR_STATE_SAVE" or "ERR_STATE_DELETE" or "ERR_STATE_TRANSACTION"
            && error.Message.Contains(EtagMismatch, StringComparison.OrdinalIgnoreCase));

    /// <summary>Only a body carrying daprd's <c>errorCode</c> counts as a sidecar error.</summary>
    private static DaprApiException? ParseApiError(HttpStatusCode statusCode, string body)
    {
        if (body.Length == 0 || body[0] != '{')
        {
            return null;
        }

        var error = TryDeserialize(body, static text => JsonSerializer.Deserialize(text, DaprJsonContext.Default.DaprErrorBody));
        if (error?.ErrorCode is not { Length: > 0 } errorCode)
        {
            return null;
        }

        var details = error.Details is { ValueKind: JsonValueKind.Array } array ? array.Clone() : (JsonElement?)null;
        return new DaprApiException(statusCode, errorCode, error.Message ?? errorCode, details);
    }

    private static T? TryDeserialize<T>(string body, Func<string, T?> deserialize)
    {
        try
        {
            return deserialize(body);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static string DescribeUnparsed(HttpResponseMessage response, string body)
    {
        var text = body.Trim();
        return text.Length > 0
            ? text
            : $"Dapr sidecar answered {(int)response.StatusCode} ({response.ReasonPhrase ?? response.StatusCode.ToString()}) without a body.";
    }

    private static Task<string> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        response.Content.ReadAsStringAsync(cancellationToken);
}
