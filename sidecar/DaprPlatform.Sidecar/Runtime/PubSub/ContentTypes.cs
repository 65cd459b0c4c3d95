namespace DaprPlatform.Sidecar.Runtime.PubSub;

/// <summary>
/// Content-type tests as components-contrib's contenttype package makes them: case-insensitive, and a type matches
/// with or without parameters ("application/json; charset=utf-8").
/// </summary>
public static class ContentTypes
{
    public const string CloudEvent = "application/cloudevents+json";
    public const string Json = "application/json";
    public const string OctetStream = "application/octet-stream";
    public const string CloudEventProtobuf = "application/cloudevents+protobuf";

    /// <summary>The data content type Dapr assumes when a publish request has no Content-Type.</summary>
    public const string DefaultDataContentType = "text/plain";

    public static bool IsCloudEvent(string? contentType) => Is(contentType, CloudEvent);

    public static bool IsJson(string? contentType) => Is(contentType, Json);

    public static bool IsBinary(string? contentType) => Is(contentType, OctetStream);

    public static bool IsCloudEventProtobuf(string? contentType) => Is(contentType, CloudEventProtobuf);

    /// <summary>text/* and application/xml: data that travels as a JSON string.</summary>
    public static bool IsString(string? contentType) =>
        contentType is not null && (contentType.StartsWith("text/", StringComparison.OrdinalIgnoreCase) || Is(contentType, "application/xml"));

    private static bool Is(string? contentType, string expected)
    {
        if (contentType is null)
        {
            return false;
        }

        var semicolon = contentType.IndexOf(';');
        var mediaType = semicolon < 0 ? contentType.AsSpan() : contentType.AsSpan(0, semicolon);
        return mediaType.Equals(expected, StringComparison.OrdinalIgnoreCase);
    }
}
