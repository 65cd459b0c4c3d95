using System.Net;
using System.Text.Json;

namespace DaprPlatform.Dapr.Client;

/// <summary>
/// The sidecar rejected an API call. daprd answers with <c>{"errorCode":"ERR_...","message":"..."}</c>
/// (plus optional google.rpc <c>details</c>); plain-text answers such as <c>invalid api token</c> leave
/// <see cref="ErrorCode"/> empty.
/// </summary>
public class DaprApiException : DaprException
{
    public DaprApiException(HttpStatusCode statusCode, string? errorCode, string message, JsonElement? details = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
        Details = details;
    }

    public HttpStatusCode StatusCode { get; }

    /// <summary>daprd's error code, e.g. <c>ERR_STATE_STORE_NOT_FOUND</c>; <c>null</c> when the body was not a Dapr error.</summary>
    public string? ErrorCode { get; }

    /// <summary>The <c>details</c> array of newer daprd errors (google.rpc.ErrorInfo and friends), when present.</summary>
    public JsonElement? Details { get; }
}
