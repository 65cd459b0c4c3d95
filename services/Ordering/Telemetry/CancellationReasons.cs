namespace DaprPlatform.Ordering.Telemetry;

/// <summary>
/// The saga's cancellation reasons (workflows/…/OrderSagaWorkflow.cs) in a few words fit for a metric's tag: the reason
/// itself names people, decline codes and product ids, which would make a series per order.
/// </summary>
public static class CancellationReasons
{
    /// <summary>What a customer's withdrawal tells the saga (as an approval refused with this reason).</summary>
    public const string WithdrawnByCustomer = "cancelled by the customer";

    public static string Categorize(string? reason) => reason switch
    {
        null or "" => "unknown",
        _ when reason.StartsWith("out of stock", StringComparison.Ordinal) => "out_of_stock",
        _ when reason.StartsWith("payment declined", StringComparison.Ordinal) => "declined",
        _ when reason.StartsWith("approval timed out", StringComparison.Ordinal) => "approval_timeout",
        _ when reason.StartsWith("rejected by", StringComparison.Ordinal) && reason.EndsWith($": {WithdrawnByCustomer}", StringComparison.Ordinal) => "withdrawn",
        _ when reason.StartsWith("rejected by", StringComparison.Ordinal) => "rejected",
        _ when reason.Contains(" failed: ", StringComparison.Ordinal) => "failed",
        _ => "other",
    };
}
