using DaprPlatform.Notifications.Events;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.Notifications.Model;
using DaprPlatform.Notifications.Telemetry;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Notifications.DeadLetters;

/// <summary>
/// Keeps what reaches the dead-letter topic, once per CloudEvent id (a redelivered dead letter changes nothing). A message
/// that was redriven and failed again returns to its row: Pending again, one more attempt counted.
/// </summary>
public sealed partial class DeadLetterRecorder(
    NotificationsContext db, NotificationsMetrics metrics, PendingDeadLetters pending, TimeProvider time, ILogger<DeadLetterRecorder> logger)
{
    /// <returns>False when the message is no CloudEvent this service could ever redrive.</returns>
    public async Task<bool> RecordAsync(ReadOnlyMemory<byte> cloudEvent, CancellationToken ct)
    {
        if (DeadLetterEnvelope.TryRead(cloudEvent) is not { } envelope)
        {
            LogUnreadable(cloudEvent.Length);
            return false;
        }

        var now = time.GetUtcNow();
        var outcome = await db.ApplyOnceAsync(envelope.CloudEventId, IntegrationEventsApi.DeadLetterTopic, time, async () =>
        {
            await db.Database.ExecuteSqlInterpolatedAsync($"""
                INSERT INTO dead_letters ("Id", "OriginalTopic", "MessageKey", "CloudEventId", "Payload", "ReceivedAt", "LastReceivedAt", "Status", "AttemptCount")
                VALUES ({Guid.CreateVersion7(now)}, {envelope.OriginalTopic}, {envelope.MessageKey}, {envelope.CloudEventId}, CAST({envelope.Payload} AS jsonb), {now}, {now}, {nameof(DeadLetterStatus.Pending)}, 1)
                ON CONFLICT ("OriginalTopic", "MessageKey") DO UPDATE SET
                    "CloudEventId" = EXCLUDED."CloudEventId", "Payload" = EXCLUDED."Payload", "LastReceivedAt" = EXCLUDED."LastReceivedAt",
                    "Status" = EXCLUDED."Status", "AttemptCount" = dead_letters."AttemptCount" + 1
                """, ct);
            return true;
        }, ct);
        if (outcome == ApplyOutcome.Applied)
        {
            metrics.DeadLetterReceived(envelope.OriginalTopic);
            pending.Changed();
            LogRecorded(envelope.OriginalTopic, envelope.MessageKey, envelope.CloudEventId);
        }

        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dead letter from {Topic} kept (message {MessageKey}, CloudEvent {CloudEventId}); an admin may redrive it")]
    private partial void LogRecorded(string topic, string messageKey, string cloudEventId);

    [LoggerMessage(Level = LogLevel.Error, Message = "A dead letter of {Length} bytes is no CloudEvent with an id, a topic and data; dropped")]
    private partial void LogUnreadable(int length);
}
