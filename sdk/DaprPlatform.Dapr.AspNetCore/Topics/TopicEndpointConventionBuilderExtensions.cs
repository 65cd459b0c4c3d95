using Microsoft.AspNetCore.Builder;

namespace DaprPlatform.Dapr.AspNetCore;

public static class TopicEndpointConventionBuilderExtensions
{
    /// <summary>
    /// Subscribes the endpoint to a topic. Without <paramref name="match"/> it is the topic's (single) default route;
    /// with one it becomes a routing rule, ordered among the topic's rules by <paramref name="priority"/> (lower first).
    /// </summary>
    public static TBuilder WithTopic<TBuilder>(
        this TBuilder builder,
        string pubsubName,
        string topicName,
        string? deadLetterTopic = null,
        string? match = null,
        int priority = 0,
        IReadOnlyDictionary<string, string>? metadata = null)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        var topic = new TopicAttribute(pubsubName, topicName)
        {
            DeadLetterTopic = deadLetterTopic,
            Match = match,
            Priority = priority,
            Metadata = metadata is null ? new Dictionary<string, string>() : new Dictionary<string, string>(metadata),
        };
        return builder.WithMetadata(topic);
    }
}
