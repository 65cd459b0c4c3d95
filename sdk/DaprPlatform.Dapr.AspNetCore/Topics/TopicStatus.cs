namespace DaprPlatform.Dapr.AspNetCore;

/// <summary>The status values daprd understands in a subscriber's answer (case-sensitive).</summary>
public static class TopicStatus
{
    /// <summary>Processed; daprd acknowledges the message.</summary>
    public const string Success = "SUCCESS";

    /// <summary>Transient failure; daprd redelivers according to its resiliency policy.</summary>
    public const string Retry = "RETRY";

    /// <summary>Poison message; daprd drops it (to the dead-letter topic when one is configured).</summary>
    public const string Drop = "DROP";
}
