using System.Diagnostics.Metrics;
using DaprPlatform.Ordering.Model;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Ordering.Telemetry;

/// <summary>
/// What the business asks of ordering: orders accepted, how their sagas ended and why, what had to be undone, and how
/// long a saga takes. Each is recorded where its effect commits, so a replay (an idempotent request, a retried
/// activity that finds the order final) counts nothing twice.
/// </summary>
public sealed class OrderingMetrics : IServiceMetrics
{
    public const string ReleaseStockStep = "release_stock";
    public const string RefundStep = "refund";

    // One meter per process, not one per host from IMeterFactory: OpenTelemetry matches meters by name, so a second
    // host in the process (as in tests) would have its provider take the first host's same-named instruments.
    private static readonly Meter Meter = new(MeterNameValue);

    private static readonly Counter<long> Placed = Meter.CreateCounter<long>(
        "daprplatform.orders.placed", description: "Orders accepted; an idempotent replay is not counted again");

    private static readonly Counter<long> Completed = Meter.CreateCounter<long>(
        "daprplatform.orders.completed", description: "Orders whose saga ended, by outcome and cancellation reason");

    private static readonly Counter<long> Compensations = Meter.CreateCounter<long>(
        "daprplatform.saga.compensations", description: "Compensations that took effect, by step");

    private static readonly Histogram<double> SagaDuration = Meter.CreateHistogram(
        "daprplatform.saga.duration",
        unit: "s",
        description: "From an order's acceptance to its final status",
        tags: null,
        // Sagas take from well under a second to a day (an approval waits up to Ordering:ApprovalTimeout).
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600, 86400] });

    private const string MeterNameValue = "DaprPlatform.Ordering";

    public static string MeterName => MeterNameValue;

    public void OrderPlaced() => Placed.Add(1);

    public void OrderCompleted(OrderStatus final, string? cancellationReason, TimeSpan sagaDuration)
    {
        var outcome = new KeyValuePair<string, object?>("outcome", final == OrderStatus.Confirmed ? "confirmed" : "cancelled");
        var reason = new KeyValuePair<string, object?>("reason", final == OrderStatus.Confirmed ? "none" : CancellationReasons.Categorize(cancellationReason));
        Completed.Add(1, outcome, reason);
        SagaDuration.Record(Math.Max(0, sagaDuration.TotalSeconds), outcome);
    }

    public void CompensationApplied(string step) => Compensations.Add(1, new KeyValuePair<string, object?>("step", step));
}
