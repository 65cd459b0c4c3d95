namespace DaprPlatform.Dapr.AspNetCore;

/// <summary>Adds a metadata entry (e.g. <c>rawPayload</c> = <c>true</c>) to every <see cref="TopicAttribute"/> subscription of the endpoint.</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, AllowMultiple = true)]
public sealed class TopicMetadataAttribute(string name, string value) : Attribute
{
    public string Name { get; } = name;

    public string Value { get; } = value;
}
