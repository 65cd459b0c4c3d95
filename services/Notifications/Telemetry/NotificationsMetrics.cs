using System.Diagnostics.Metrics;
using DaprPlatform.ServiceDefaults;

namespace DaprPlatform.Notifications.Telemetry;

/// <summary>
/// Dead letters as operations watch them: how many wait for an admin, and how many arrive from which topic. The
/// pending count is a value <see cref="PendingDeadLetters"/> keeps fresh, so a scrape never waits on the database.
/// </summary>
public sealed class NotificationsMetrics : IServiceMetrics
{
    // One meter per process, not one per host from IMeterFactory: OpenTelemetry matches meters by name, so a second
    // host in the process (as in tests) would have its provider take the first host's same-named instruments.
    private const string MeterNameValue = "DaprPlatform.Notifications";
    private static readonly Meter Meter = new(MeterNameValue);
    private static readonly Counter<long> Received = Meter.CreateCounter<long>(
        "daprplatform.deadletters.received", description: "Dead letters received, by the topic the event was published to");

    private static long _pending;

    static NotificationsMetrics() =>
        Meter.CreateObservableGauge("daprplatform.deadletters.pending", () => Interlocked.Read(ref _pending), description: "Dead letters waiting for an admin to redrive them");

    public static string MeterName => MeterNameValue;

    public void DeadLetterReceived(string topic) => Received.Add(1, new KeyValuePair<string, object?>("topic", topic));

    public void SetPendingDeadLetters(long count) => Interlocked.Exchange(ref _pending, count);
}
