using System.Text.Json;

namespace DaprPlatform.Notifications.Events;

/// <summary>
/// Reads an event from a delivery's body (the CloudEvent's data, unwrapped by UseCloudEvents) itself rather than through
/// parameter binding: a payload that binding refuses would be a 400, which Dapr retries, while it can never succeed.
/// </summary>
public sealed partial class EventPayloadReader(ILogger<EventPayloadReader> logger)
{
    /// <returns>The event, or null (logged) when it is unreadable or can never be processed.</returns>
    public async Task<TEvent?> ReadAsync<TEvent>(HttpRequest request, string topic, Func<TEvent, string?> check, CancellationToken ct)
        where TEvent : class
    {
        string? problem;
        TEvent? payload = null;
        try
        {
            payload = await JsonSerializer.DeserializeAsync<TEvent>(request.Body, JsonSerializerOptions.Web, ct);
            problem = payload is null ? "no data" : check(payload);
        }
        catch (JsonException e)
        {
            problem = e.Message;
        }

        if (problem is not null)
        {
            LogUnreadable(topic, problem);
            return null;
        }

        return payload;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A delivery on {Topic} can never be processed ({Problem}); dropped to the dead-letter topic")]
    private partial void LogUnreadable(string topic, string problem);
}
