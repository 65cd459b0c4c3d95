using System.Globalization;
using DaprPlatform.Testing;
using DaprPlatform.Testing.Monitoring;

namespace DaprPlatform.EndToEnd.Tests;

/// <summary>
/// The alert rules and the Grafana dashboard (monitoring/) against what the running platform really exposes: every
/// metric they query must be on some app's /metrics or some sidecar's metrics port, as Prometheus scrapes them.
/// A misspelt or never-exposed name would make an alert that can never fire and a panel that stays empty.
/// </summary>
public sealed class MonitoringMetricsTests(PlatformFixture platform)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // Series Prometheus makes itself for every target rather than reading them from it.
    private static readonly HashSet<string> Synthetic = ["up", "scrape_duration_seconds", "scrape_samples_scraped"];

    [Fact]
    public async Task Every_metric_the_alerts_and_the_dashboard_query_is_exposed_by_the_services_or_their_sidecars()
    {
        // Some series exist only once their event happened: a confirmed and a compensated order, a dead letter.
        using var customer = await platform.Client().SignUpAsync();
        var confirmed = await customer.PlaceOrderAsync(productId: 2, quantity: 1);
        var declined = await customer.PlaceOrderAsync(productId: 3, quantity: 1, paymentMethod: "pm_card_chargeDeclined");
        await customer.WaitForStatusAsync(confirmed, Timeout, "Confirmed", "Cancelled");
        await customer.WaitForStatusAsync(declined, Timeout, "Confirmed", "Cancelled");
        var strangerId = Guid.NewGuid();
        await platform.PublishAsync("order.confirmed", $$"""
            {"eventId":"{{Guid.NewGuid()}}","orderId":"monitoring-{{strangerId:N}}","customerId":"{{strangerId}}","lines":[{"productId":"2","quantity":1,"unitPrice":11.50}],"total":11.50,"occurredAt":"{{DateTimeOffset.UtcNow:O}}"}
            """);

        var queried = MonitoringFiles.All()
            .SelectMany(e => PromQlMetricNames.Extract(e.Expression).Select(name => (name, e.File, e.Where)))
            .Where(q => !Synthetic.Contains(q.name))
            .ToList();
        Assert.NotEmpty(queried);

        HashSet<string> exposed = [];
        var allFound = await Eventually.ReturnsAsync(async () =>
        {
            exposed = await ScrapeAsync();
            return queried.All(q => exposed.Contains(q.name));
        }, Timeout);

        var missing = queried.Where(q => !exposed.Contains(q.name)).Select(q => $"{q.name} ({q.File}: {q.Where})").Distinct().ToList();
        Assert.True(allFound, "queried but exposed by no service or sidecar:\n" + string.Join('\n', missing));
    }

    /// <summary>The sample names on every app's and every sidecar's metrics endpoint.</summary>
    private async Task<HashSet<string>> ScrapeAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var endpoints = platform.AppPorts.Values.Concat(platform.SidecarMetricsPorts.Values)
            .Select(port => $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/metrics");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints)
        {
            names.UnionWith(PrometheusText.SampleNames(await http.GetStringAsync(endpoint, TestContext.Current.CancellationToken)));
        }

        return names;
    }
}
