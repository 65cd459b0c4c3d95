using System.Globalization;
using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Resources;
using DaprPlatform.Sidecar.Runtime.Metrics;
using DaprPlatform.Sidecar.Runtime.Resiliency;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Metrics;

/// <summary>The metrics' names, labels and Prometheus text rendering.</summary>
public sealed class SidecarMetricsTests
{
    private static SidecarMetrics Metrics(bool enabled = true) =>
        new(new SidecarOptions { AppId = "myapp", Namespace = "prod", EnableMetrics = enabled }, ConfigurationResource.Default);

    private static string[] Lines(SidecarMetrics metrics) => metrics.RenderPrometheus().Split('\n', StringSplitOptions.RemoveEmptyEntries);

    [Fact]
    public void Counters_render_with_help_type_and_labels()
    {
        var metrics = Metrics();
        metrics.RecordHttpServerRequest("GET", "/v1.0/state/store", 200, 3);
        metrics.RecordHttpServerRequest("GET", "/v1.0/state/store", 200, 4);
        metrics.RecordHttpServerRequest("POST", "/v1.0/state/store", 500, 1);

        var lines = Lines(metrics);

        Assert.Contains("# TYPE dapr_http_server_request_count counter", lines);
        Assert.Contains("# HELP dapr_http_server_request_count Count of HTTP requests processed by the server.", lines);
        Assert.Contains("dapr_http_server_request_count{app_id=\"myapp\",method=\"GET\",path=\"/v1.0/state/store\",status=\"200\"} 2", lines);
        Assert.Contains("dapr_http_server_request_count{app_id=\"myapp\",method=\"POST\",path=\"/v1.0/state/store\",status=\"500\"} 1", lines);
    }

    [Fact]
    public void Http_server_metrics_many_made_up_paths_keep_a_bounded_number_of_series_and_count_the_rest_as_overflow()
    {
        var metrics = Metrics();
        const int requests = SeriesCells<(string, string, string, string), object>.MaxSeries + 3000;
        for (var i = 0; i < requests; i++)
        {
            metrics.RecordHttpServerRequest("GET", $"/{i}", 404, 1);
        }

        var lines = Lines(metrics);
        var counts = lines.Where(l => l.StartsWith("dapr_http_server_request_count{", StringComparison.Ordinal)).ToList();
        var buckets = lines.Count(l => l.StartsWith("dapr_http_server_latency_bucket{", StringComparison.Ordinal));

        Assert.Equal(SeriesCells<(string, string, string, string), object>.MaxSeries + 1, counts.Count);
        Assert.Contains("dapr_http_server_request_count{otel_metric_overflow=\"true\"} 3000", counts);
        Assert.Contains("dapr_http_server_latency_count{otel_metric_overflow=\"true\"} 3000", lines);
        Assert.Equal((SeriesCells<(string, string, string, string), object>.MaxSeries + 1) * (SidecarMetrics.LatencyBucketsMs.Length + 1), buckets);
    }

    [Fact]
    public void Http_server_metrics_long_made_up_paths_keep_a_bounded_amount_of_label_text()
    {
        var metrics = Metrics();
        var padding = new string('x', 8000);
        for (var i = 0; i < 1000; i++)
        {
            metrics.RecordHttpServerRequest("GET", $"/{i}/{padding}", 404, 1);
        }

        var series = Lines(metrics).Where(l => l.StartsWith("dapr_http_server_request_count{", StringComparison.Ordinal)).ToList();

        Assert.True(series.Sum(l => l.Length) < 2 * SeriesCells<(string, string, string, string), object>.MaxLabelChars, $"{series.Count} series");
        Assert.Contains(series, l => l.StartsWith("dapr_http_server_request_count{otel_metric_overflow=\"true\"}", StringComparison.Ordinal));
    }

    [Fact]
    public void Histograms_have_cumulative_buckets_sum_and_count()
    {
        var metrics = Metrics();
        foreach (var ms in new[] { 0.5, 1, 7, 7, 250_000 })
        {
            metrics.RecordInvocationResponseReceived("orders", 200, ms);
        }

        var lines = Lines(metrics);
        const string labels = "app_id=\"myapp\",src_app_id=\"orders\",status=\"200\"";

        Assert.Contains("# TYPE dapr_runtime_service_invocation_res_recv_latency_ms histogram", lines);
        Assert.Contains($"dapr_runtime_service_invocation_res_recv_latency_ms_bucket{{{labels},le=\"1\"}} 2", lines);
        Assert.Contains($"dapr_runtime_service_invocation_res_recv_latency_ms_bucket{{{labels},le=\"6\"}} 2", lines);
        Assert.Contains($"dapr_runtime_service_invocation_res_recv_latency_ms_bucket{{{labels},le=\"8\"}} 4", lines);
        Assert.Contains($"dapr_runtime_service_invocation_res_recv_latency_ms_bucket{{{labels},le=\"100000\"}} 4", lines);
        Assert.Contains($"dapr_runtime_service_invocation_res_recv_latency_ms_bucket{{{labels},le=\"+Inf\"}} 5", lines);
        Assert.Contains($"dapr_runtime_service_invocation_res_recv_latency_ms_sum{{{labels}}} 250015.5", lines);
        Assert.Contains($"dapr_runtime_service_invocation_res_recv_latency_ms_count{{{labels}}} 5", lines);
        Assert.Equal(SidecarMetrics.LatencyBucketsMs.Length + 1, lines.Count(l => l.StartsWith("dapr_runtime_service_invocation_res_recv_latency_ms_bucket", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(PubSubDeliveryResult.Success, "success")]
    [InlineData(PubSubDeliveryResult.Retry, "retry")]
    [InlineData(PubSubDeliveryResult.Drop, "drop")]
    public void Deliveries_are_counted_by_component_topic_and_result(PubSubDeliveryResult result, string label)
    {
        var metrics = Metrics();
        metrics.RecordDelivery("pubsub", "orders", result, 12);

        Assert.Contains(
            $"dapr_component_pubsub_ingress_count{{app_id=\"myapp\",component=\"pubsub\",namespace=\"prod\",process_status=\"{label}\",status=\"{label}\",topic=\"orders\"}} 1",
            Lines(metrics));
        Assert.Contains(Lines(metrics), l => l.StartsWith("dapr_component_pubsub_ingress_latencies_count{", StringComparison.Ordinal) && l.EndsWith(" 1", StringComparison.Ordinal));
    }

    [Fact]
    public void Component_operations_are_counted()
    {
        var metrics = Metrics();
        metrics.RecordPublish("pubsub", "orders", success: true, 2);
        metrics.RecordStateOperation("store", "get", success: false, 1);
        metrics.RecordSecretOperation("vault", "get", success: true, 1);

        var lines = Lines(metrics);

        Assert.Contains("dapr_component_pubsub_egress_count{app_id=\"myapp\",component=\"pubsub\",namespace=\"prod\",success=\"true\",topic=\"orders\"} 1", lines);
        Assert.Contains("dapr_component_state_count{app_id=\"myapp\",component=\"store\",namespace=\"prod\",operation=\"get\",success=\"false\"} 1", lines);
        Assert.Contains("dapr_component_secret_count{app_id=\"myapp\",component=\"vault\",namespace=\"prod\",operation=\"get\",success=\"true\"} 1", lines);
    }

    [Fact]
    public void Circuit_breaker_state_is_one_for_the_current_state_only()
    {
        var metrics = Metrics();
        var target = new ResiliencyMetricTarget("res", "outbound", "app_orders");
        metrics.RecordCircuitBreakerState(target, CircuitBreakerState.Closed);
        metrics.RecordCircuitBreakerState(target, CircuitBreakerState.Open);

        var lines = Lines(metrics);
        string Line(string status, int value) =>
            $"dapr_resiliency_cb_state{{app_id=\"myapp\",name=\"res\",policy=\"circuitbreaker\",namespace=\"prod\",flow_direction=\"outbound\",target=\"app_orders\",status=\"{status}\"}} {value}";

        Assert.Contains(Line("open", 1), lines);
        Assert.Contains(Line("closed", 0), lines);
        Assert.Contains(Line("half-open", 0), lines);
    }

    [Fact]
    public void Label_values_are_escaped()
    {
        var metrics = Metrics();
        metrics.RecordHttpServerRequest("GET", "/a\"b\\c\nd", 200, 1);

        Assert.Contains("dapr_http_server_request_count{app_id=\"myapp\",method=\"GET\",path=\"/a\\\"b\\\\c\\nd\",status=\"200\"} 1", Lines(metrics));
    }

    [Fact]
    public void Disabled_records_nothing()
    {
        var metrics = Metrics(enabled: false);
        metrics.RecordHttpServerRequest("GET", "/", 200, 1);
        metrics.RecordDelivery("pubsub", "orders", PubSubDeliveryResult.Success);

        Assert.DoesNotContain(Lines(metrics), line => line.Contains("dapr_", StringComparison.Ordinal));
    }

    [Fact]
    public void Process_figures_are_rendered_when_scraped()
    {
        var metrics = Metrics();
        var before = Value(Lines(metrics), "dotnet_gc_allocated_bytes_total");
        GC.Collect(); // the heap figures are those of the last collection
        var lines = Lines(metrics);

        Assert.True(Value(lines, "process_resident_memory_bytes") > 1 << 20);
        Assert.True(Value(lines, "process_cpu_seconds_total") > 0);
        Assert.True(Value(lines, "dotnet_gc_allocated_bytes_total") > 0);
        Assert.True(Value(lines, "dotnet_gc_allocated_bytes_total") >= before);
        Assert.True(Value(lines, "dotnet_gc_committed_bytes") > 0);
        Assert.Contains("# TYPE dotnet_gc_collections_total counter", lines);
        Assert.Contains(lines, line => line.StartsWith("dotnet_gc_collections_total{generation=\"0\"} ", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("dotnet_gc_collections_total{generation=\"2\"} ", StringComparison.Ordinal));
    }

    private static double Value(string[] lines, string name) =>
        double.Parse(lines.Single(line => line.StartsWith(name + " ", StringComparison.Ordinal))[(name.Length + 1)..], CultureInfo.InvariantCulture);

    [Theory]
    [InlineData("/v1.0/state/store/key1", "/v1.0/state/store")]
    [InlineData("/v1.0/secrets/vault/password", "/v1.0/secrets/vault")]
    [InlineData("/v1.0/actors/Cart/42/method/add", "/v1.0/actors/Cart/{id}/method")]
    [InlineData("/v1.0/invoke/orders/method/api/v1/new", "/v1.0/invoke/orders/method/api/v1/new")]
    [InlineData("//v1.0//healthz", "/v1.0/healthz")]
    [InlineData("/v1.0-beta1/workflows/dapr/abc", "/v1.0-beta1/workflows/dapr/{instanceId}")]
    [InlineData("/v1.0-beta1/workflows/dapr/myflow/start", "/v1.0-beta1/workflows/dapr/myflow/start")]
    [InlineData("/v1.0-beta1/workflows/dapr/abc/raiseEvent/approved", "/v1.0-beta1/workflows/dapr/{instanceId}/raiseEvent/{eventName}")]
    [InlineData("/v1.0-beta1/workflows/dapr/abc/terminate", "/v1.0-beta1/workflows/dapr/{instanceId}/terminate")]
    [InlineData("", "")]
    public void Path_label_drops_keys_and_ids_like_daprd(string path, string label)
    {
        Assert.Equal(label, MetricsPathLabel.From(path));
    }
}
