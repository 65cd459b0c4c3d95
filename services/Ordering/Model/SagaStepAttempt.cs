namespace DaprPlatform.Ordering.Model;

/// <summary>
/// One run of a saga activity for an order. Each attempt of an activity is its own TaskScheduled event in the
/// workflow's history, so its event id tells a retry (a new row) from a redelivery of the same attempt (the same row).
/// </summary>
public sealed class SagaStepAttempt
{
    public required string OrderId { get; init; }

    public required string Activity { get; init; }

    public int ScheduledEventId { get; init; }

    public DateTimeOffset StartedAt { get; init; }
}
