using System.Globalization;
using System.Text.Json;

namespace DaprPlatform.Benchmarks.Measurement;

/// <summary>One step of an order's saga as its view shows it: the workflow's clock when the step began and ended.</summary>
public sealed record TimelineStep(string Name, string Status, DateTime StartedAt, DateTime? EndedAt);

/// <summary>
/// An order's saga read from its view (GET /api/orders/{id}): status, the workflow's runtime status and the steps
/// with their times. The step times are the workflow's clock, which the sidecar stamps as it hands a turn to the app;
/// the last step's end is the start of the saga's final turn, in which the workflow completes.
/// </summary>
public sealed record OrderTimeline(string OrderId, string Status, string? SagaStatus, IReadOnlyList<TimelineStep> Steps)
{
    /// <summary>Final (Confirmed or Cancelled) and its workflow completed: nothing about the order changes any more.</summary>
    public bool IsSettled => Status is "Confirmed" or "Cancelled" && SagaStatus == "Completed";

    /// <summary>When the saga ended: its last step's end.</summary>
    public DateTime? CompletedAt => IsSettled ? Steps.Max(s => s.EndedAt) : null;

    public static OrderTimeline Parse(JsonElement view)
    {
        var steps = view.TryGetProperty("steps", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Select(s => new TimelineStep(
                s.GetProperty("name").GetString()!,
                s.GetProperty("status").GetString()!,
                Utc(s.GetProperty("startedAt").GetString()!),
                s.TryGetProperty("endedAt", out var ended) && ended.ValueKind == JsonValueKind.String ? Utc(ended.GetString()!) : null)).ToList()
            : [];
        return new OrderTimeline(
            view.GetProperty("orderId").GetString()!,
            view.GetProperty("status").GetString()!,
            view.TryGetProperty("sagaStatus", out var saga) && saga.ValueKind == JsonValueKind.String ? saga.GetString() : null,
            steps);
    }

    /// <summary>
    /// Where the time from the POST to the saga's end went: until the saga's first step began (the answer, the
    /// schedule and the first turn), each step (its activity and the turn that records it), and the whole.
    /// </summary>
    public IEnumerable<(string Stage, TimeSpan Duration)> Stages(DateTime placedAt)
    {
        if (CompletedAt is not { } completed)
        {
            yield break;
        }

        if (Steps.Count > 0)
        {
            yield return ("POST to first step", Steps[0].StartedAt - placedAt);
        }

        foreach (var step in Steps)
        {
            if (step.EndedAt is { } ended)
            {
                yield return (step.Name, ended - step.StartedAt);
            }
        }

        yield return ("completion", completed - placedAt);
    }

    // Steps are DateTime values the workflow wrote in UTC; a value without an offset is UTC too.
    private static DateTime Utc(string text) =>
        DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
