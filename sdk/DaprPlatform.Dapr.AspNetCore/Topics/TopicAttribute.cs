namespace DaprPlatform.Dapr.AspNetCore;

/// <summary>
/// Subscribes the endpoint to <see cref="Name"/> on <see cref="PubsubName"/>; <c>MapSubscribeHandler</c> advertises it on
/// <c>/dapr/subscribe</c>. Put it on a minimal-API delegate (<c>[Topic("pubsub", "orders")] (Order o) => ...</c>) or
/// use <c>.WithTopic(...)</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = true)]
public sealed class TopicAttribute : Attribute
{
    public TopicAttribute(string pubsubName, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(pubsubName);
        ArgumentException.ThrowIfNullOrEmpty(name);
        PubsubName = pubsubName;
        Name = name;
    }

    public string PubsubName { get; }

    public string Name { get; }

    /// <summary>Topic on the same pubsub that receives events the handler drops or that exhaust their retries.</summary>
    public string? DeadLetterTopic { get; set; }

    /// <summary>CEL rule over the CloudEvent (e.g. <c>event.type == "widget"</c>); routes matching events here.</summary>
    public new string? Match { get; set; }

    /// <summary>Order of evaluation among the rules of one topic; lower values are tried first.</summary>
    public int Priority { get; set; }

    /// <summary>Subscription metadata such as <c>rawPayload</c>; set through <c>WithTopic</c> or <see cref="TopicMetadataAttribute"/>.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; internal set; } = new Dictionary<string, string>();
}
