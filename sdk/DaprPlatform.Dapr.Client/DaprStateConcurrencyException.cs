using System.Net;
using System.Text.Json;

namespace DaprPlatform.Dapr.Client;

/// <summary>
/// A state write lost an optimistic-concurrency race: the ETag sent no longer matches the stored one
/// (daprd 409 <c>ERR_STATE_SAVE</c>/<c>ERR_STATE_DELETE</c> "possible etag mismatch"). Re-read the entry and retry.
/// </summary>
public sealed class DaprStateConcurrencyException : DaprApiException
{
    public DaprStateConcurrencyException(string storeName, string? key, HttpStatusCode statusCode, string? errorCode, string message, JsonElement? details = null)
        : base(statusCode, errorCode, message, details)
    {
        StoreName = storeName;
        Key = key;
    }

    public string StoreName { get; }

    /// <summary>The key written, or <c>null</c> for a multi-key transaction.</summary>
    public string? Key { get; }
}
