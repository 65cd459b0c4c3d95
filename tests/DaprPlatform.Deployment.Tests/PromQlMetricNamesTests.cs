using DaprPlatform.Testing.Monitoring;

namespace DaprPlatform.Deployment.Tests;

public class PromQlMetricNamesTests
{
    [Theory]
    [InlineData("up{job=\"daprplatform-apps\"} == 0", "up")]
    [InlineData("sum by (app) (rate(http_server_request_duration_seconds_count{http_response_status_code=~\"5..\"}[5m])) / sum by (app) (rate(http_server_request_duration_seconds_count[5m])) > 0.05",
        "http_server_request_duration_seconds_count")]
    [InlineData("histogram_quantile(0.99, sum by (le, app) (rate(http_server_request_duration_seconds_bucket[5m]))) > 1", "http_server_request_duration_seconds_bucket")]
    [InlineData("max(daprplatform_deadletters_pending) > 0", "daprplatform_deadletters_pending")]
    [InlineData("increase(daprplatform_saga_compensations_total[15m]) / ignoring(step) group_left increase(daprplatform_orders_placed_total[15m] offset 1h)",
        "daprplatform_saga_compensations_total", "daprplatform_orders_placed_total")]
    [InlineData("sum without (instance) (rate(dapr_http_server_request_count{app_id='ordering', method=\"GET\"}[1m])) and on (app) up", "dapr_http_server_request_count", "up")]
    [InlineData("rate(daprplatform_orders_completed_total{outcome=\"cancelled\"}[1h:5m]) * 3600 > 2.5e1", "daprplatform_orders_completed_total")]
    [InlineData("label_replace(dotnet_gc_heap_total_allocated_bytes, \"x\", \"$1\", \"app\", \"(.*)\")", "dotnet_gc_heap_total_allocated_bytes")]
    [InlineData("topk(5, sum by (app)(kestrel_active_connections)) or vector(0)", "kestrel_active_connections")]
    public void Names_every_metric_of_an_expression_and_nothing_else(string expression, params string[] expected)
    {
        Assert.Equal(expected.Order(), PromQlMetricNames.Extract(expression).Order());
    }

    [Fact]
    public void A_metric_named_like_a_keyword_inside_a_label_value_is_not_a_metric()
    {
        Assert.Empty(PromQlMetricNames.Extract("vector(1) > bool 0 unless on (job) absent(nothing{x=\"up\"}) * 0"
            .Replace("nothing", "", StringComparison.Ordinal)));
    }
}
