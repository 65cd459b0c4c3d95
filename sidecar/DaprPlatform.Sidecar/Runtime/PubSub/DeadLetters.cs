using DaprPlatform.Sidecar.Components.PubSub;

namespace DaprPlatform.Sidecar.Runtime.PubSub;

/// <summary>
/// daprd's sendToDeadLetter, shared by single and bulk delivery: the original payload and metadata, published to
/// the subscription's dead-letter topic on the same pub/sub through the publish adapter (scoping and outbound policy
/// apply). Skipped while stopping, or when the subscription has no dead-letter topic.
/// </summary>
public static partial class DeadLetters
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromSeconds(30);

    /// <returns>True when the message now sits on the dead-letter topic (it may be acknowledged).</returns>
    public static async Task<bool> TrySendAsync(
        PubSubPublisher publisher, AppSubscription subscription, PubSubMessage message, ILogger logger, CancellationToken ct)
    {
        if (subscription.DeadLetterTopic is not { } deadLetterTopic || ct.IsCancellationRequested)
        {
            return false;
        }

        // The delivery's own token may be spent by the inbound policy; the publish gets a bounded budget of its own.
        using var timeout = new CancellationTokenSource(PublishTimeout);
        try
        {
            await publisher.PublishAsync(
                subscription.PubsubName,
                new PublishRequest(deadLetterTopic, message.Data, message.ContentType ?? "", message.Metadata),
                timeout.Token);
            return true;
        }
        catch (Exception e)
        {
            LogDeadLetterFailed(logger, message.Topic, deadLetterTopic, e.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "error sending message to dead letter, origin topic: {Topic} dead letter topic {DeadLetterTopic} err: {Error}")]
    private static partial void LogDeadLetterFailed(ILogger logger, string topic, string deadLetterTopic, string error);
}
