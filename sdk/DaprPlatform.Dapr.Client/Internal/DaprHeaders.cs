namespace DaprPlatform.Dapr.Client.Internal;

internal static class DaprHeaders
{
    public const string ApiToken = "dapr-api-token";
    public const string IfMatch = "If-Match";
    public const string ETag = "ETag";

    /// <summary>Prefix of per-request metadata in query strings and of response metadata in headers.</summary>
    public const string MetadataPrefix = "metadata.";

    public const string ApplicationJson = "application/json";
    public const string CloudEventsJson = "application/cloudevents+json";
    public const string ProblemJson = "application/problem+json";
    public const string TextPlain = "text/plain";
}
