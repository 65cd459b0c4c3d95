namespace DaprPlatform.Dapr.Client;

/// <summary>Read/write consistency requested from the store (wire values <c>eventual</c>/<c>strong</c>).</summary>
public enum ConsistencyMode
{
    Eventual,
    Strong,
}
