using System.Text.Json;

namespace DaprPlatform.Sidecar.Runtime.PubSub;

public enum DeliveryStatus
{
    /// <summary>The app processed the event: acknowledge it.</summary>
    Success,

    /// <summary>The app wants the event again: a retriable error (resiliency, then dead letter or nack).</summary>
    Retry,

    /// <summary>The app rejected the event for good: drop it (to the dead-letter topic when there is one).</summary>
    Drop,
}

/// <param name="StatusCode">The app's HTTP status when it was not 2xx, so resiliency policies can match on it.</param>
public sealed record DeliveryOutcome(DeliveryStatus Status, string Reason, int? StatusCode = null)
{
    public static DeliveryOutcome Succeeded { get; } = new(DeliveryStatus.Success, "");
}

/// <summary>
/// How daprd reads the app's answer to a pub/sub delivery (dapr runtime/subscription/postman/http): any 2xx is
/// success unless its JSON body says <c>"status":"RETRY"</c>, <c>"DROP"</c> or another unknown status (retry); an
/// empty or unreadable body, or an empty status, is success. 404 drops the event; any other status is retriable.
/// </summary>
public static class AppResponseInterpreter
{
    public const string StatusSuccess = "SUCCESS";
    public const string StatusRetry = "RETRY";
    public const string StatusDrop = "DROP";

    public static DeliveryOutcome Interpret(int statusCode, ReadOnlySpan<byte> body, string eventId)
    {
        if (statusCode is >= 200 and <= 299)
        {
            return ReadStatus(body) switch
            {
                null or "" or StatusSuccess => DeliveryOutcome.Succeeded,
                StatusRetry => new DeliveryOutcome(DeliveryStatus.Retry, $"RETRY status returned from app while processing pub/sub event {eventId}"),
                StatusDrop => new DeliveryOutcome(DeliveryStatus.Drop, $"DROP status returned from app while processing pub/sub event {eventId}"),
                var other => new DeliveryOutcome(
                    DeliveryStatus.Retry, $"unknown status returned from app while processing pub/sub event {eventId}, status: {other}"),
            };
        }

        var text = System.Text.Encoding.UTF8.GetString(body);
        if (statusCode == 404)
        {
            return new DeliveryOutcome(
                DeliveryStatus.Drop,
                $"non-retriable error returned from app while processing pub/sub event {eventId}: {text}. status code returned: {statusCode}",
                statusCode);
        }

        return new DeliveryOutcome(
            DeliveryStatus.Retry,
            $"retriable error returned from app while processing pub/sub event {eventId}, body: {text}. status code returned: {statusCode}",
            statusCode);
    }

    // {"status": "..."} as Go decodes it into AppResponse: the first JSON value; every key equal to "status" without
    // regard to case sets the field, so the last one wins; anything that does not decode (not an object, a
    // non-string status) yields null, i.e. success.
    private static string? ReadStatus(ReadOnlySpan<byte> body)
    {
        if (!CloudEvents.TryReadFirstJsonValue(body, out var document))
        {
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            string? status = null;
            foreach (var property in root.EnumerateObject())
            {
                if (!string.Equals(property.Name, "status", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.String:
                        status = property.Value.GetString();
                        break;
                    case JsonValueKind.Null:
                        break;
                    default:
                        return null;
                }
            }

            return status;
        }
    }
}
