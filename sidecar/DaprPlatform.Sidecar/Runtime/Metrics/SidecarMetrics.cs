using System.Globalization;
using System.Text;
using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Resources;
using DaprPlatform.Sidecar.Runtime.Resiliency;
using Grpc.Core;

namespace DaprPlatform.Sidecar.Runtime.Metrics;

/// <summary>How a pub/sub delivery to the app ended (daprd's process_status label).</summary>
public enum PubSubDeliveryResult
{
    Success,
    Retry,
    Drop,
}

/// <summary>Where a resiliency policy applies, as daprd labels its resiliency metrics.</summary>
/// <param name="ResiliencyName">The Resiliency resource that defines the policy.</param>
/// <param name="FlowDirection">"outbound" (app → target) or "inbound" (component → app).</param>
/// <param name="Target">"app_&lt;id&gt;" or "&lt;Type&gt;_&lt;component&gt;", e.g. "Statestore_mystore".</param>
public sealed record ResiliencyMetricTarget(string ResiliencyName, string FlowDirection, string Target);

/// <summary>
/// The sidecar's metrics, named and labelled as daprd exports them (dapr_http_server_request_count,
/// dapr_component_pubsub_ingress_count, dapr_resiliency_count, ...), served in the Prometheus text format on
/// the metrics port. Every Record* call is a dictionary lookup plus an interlocked add, and a no-op when metrics
/// are disabled (--enable-metrics=false or spec.metrics.enabled: false).
/// </summary>
public sealed class SidecarMetrics
{
    /// <summary>daprd's default latency buckets in milliseconds (pkg/config GetLatencyDistribution).</summary>
    // daprd's defaultSizeDistribution (pkg/diagnostics/metrics.go): 1 KiB to 4 GiB.
    public static readonly double[] SizeBucketsBytes =
        [1 << 10, 2 << 10, 4 << 10, 16 << 10, 64 << 10, 256 << 10, 1 << 20, 4 << 20, 16 << 20, 64 << 20, 256 << 20, 1 << 30, 4L << 30];

    public static readonly double[] LatencyBucketsMs =
        [1, 2, 3, 4, 5, 6, 8, 10, 13, 16, 20, 25, 30, 40, 50, 65, 80, 100, 130, 160, 200, 250, 300, 400, 500, 650, 800, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000];

    private static readonly string[] StatusTexts = Enumerable.Range(0, 600).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();
    private static readonly string[] BreakerStates = ["closed", "half-open", "open"];

    private readonly string _appId;
    private readonly string _namespace;
    private readonly List<MetricFamily> _families = [];

    private readonly CounterFamily<(string, string, string, string)> _httpRequests;
    private readonly HistogramFamily<(string, string, string, string)> _httpLatency;
    private readonly CounterFamily<(string, string, string)> _grpcCompleted;
    private readonly HistogramFamily<(string, string, string)> _grpcLatency;
    private readonly HistogramFamily<(string, string)> _grpcReceivedBytes;
    private readonly HistogramFamily<(string, string)> _grpcSentBytes;
    private readonly CounterFamily<(string, string, string)> _invocationRequestsSent;
    private readonly CounterFamily<(string, string)> _invocationRequestsReceived;
    private readonly CounterFamily<(string, string, string)> _invocationResponsesSent;
    private readonly CounterFamily<(string, string, string, string)> _invocationResponsesReceived;
    private readonly HistogramFamily<(string, string, string)> _invocationLatency;
    private readonly CounterFamily<(string, string, string, string, string, string)> _pubsubIngress;
    private readonly HistogramFamily<(string, string, string, string, string, string)> _pubsubIngressLatency;
    private readonly CounterFamily<(string, string, string, string, string)> _pubsubEgress;
    private readonly HistogramFamily<(string, string, string, string, string)> _pubsubEgressLatency;
    private readonly CounterFamily<(string, string, string, string, string)> _bulkEgress;
    private readonly CounterFamily<(string, string, string, string, string)> _bulkEgressEvents;
    private readonly HistogramFamily<(string, string, string, string, string)> _bulkEgressLatency;
    private readonly CounterFamily<(string, string, string, string, string)> _stateCount;
    private readonly HistogramFamily<(string, string, string, string, string)> _stateLatency;
    private readonly CounterFamily<(string, string, string, string, string)> _secretCount;
    private readonly HistogramFamily<(string, string, string, string, string)> _secretLatency;
    private readonly CounterFamily<(string, string, string)> _resiliencyLoaded;
    private readonly CounterFamily<(string, string, string, string, string, string, string)> _resiliencyExecuted;
    private readonly CounterFamily<(string, string, string, string, string, string, string)> _resiliencyActivated;
    private readonly GaugeFamily<(string, string, string, string, string, string, string)> _breakerState;

    public SidecarMetrics(SidecarOptions options, ConfigurationResource configuration)
    {
        _appId = options.AppId;
        _namespace = options.Namespace;
        Enabled = options.EnableMetrics && configuration.MetricsEnabled;

        string[] component = ["app_id", "component", "namespace"];
        _httpRequests = Add(new CounterFamily<(string, string, string, string)>(
            "dapr_http_server_request_count", "Count of HTTP requests processed by the server.", "app_id", "method", "path", "status"));
        _httpLatency = Add(new HistogramFamily<(string, string, string, string)>(
            "dapr_http_server_latency", "HTTP request end-to-end latency in server.", LatencyBucketsMs, "app_id", "method", "path", "status"));
        _grpcCompleted = Add(new CounterFamily<(string, string, string)>(
            "dapr_grpc_io_server_completed_rpcs", "Distribution of bytes sent per RPC, by method.", "app_id", "grpc_server_method", "grpc_server_status"));
        _grpcLatency = Add(new HistogramFamily<(string, string, string)>(
            "dapr_grpc_io_server_server_latency", "Time between first byte of request received to last byte of response sent, or terminal error.", LatencyBucketsMs, "app_id", "grpc_server_method", "grpc_server_status"));
        _grpcReceivedBytes = Add(new HistogramFamily<(string, string)>(
            "dapr_grpc_io_server_received_bytes_per_rpc", "Total bytes received across all messages per RPC.", SizeBucketsBytes, "app_id", "grpc_server_method"));
        _grpcSentBytes = Add(new HistogramFamily<(string, string)>(
            "dapr_grpc_io_server_sent_bytes_per_rpc", "Total bytes sent in across all response messages per RPC.", SizeBucketsBytes, "app_id", "grpc_server_method"));
        _invocationRequestsSent = Add(new CounterFamily<(string, string, string)>(
            "dapr_runtime_service_invocation_req_sent_total", "The number of requests sent via service invocation.", "app_id", "dst_app_id", "type"));
        _invocationRequestsReceived = Add(new CounterFamily<(string, string)>(
            "dapr_runtime_service_invocation_req_recv_total", "The number of requests received via service invocation.", "app_id", "src_app_id"));
        _invocationResponsesSent = Add(new CounterFamily<(string, string, string)>(
            "dapr_runtime_service_invocation_res_sent_total", "The number of responses sent via service invocation.", "app_id", "dst_app_id", "status"));
        _invocationResponsesReceived = Add(new CounterFamily<(string, string, string, string)>(
            "dapr_runtime_service_invocation_res_recv_total", "The number of responses received via service invocation.", "app_id", "src_app_id", "status", "type"));
        _invocationLatency = Add(new HistogramFamily<(string, string, string)>(
            "dapr_runtime_service_invocation_res_recv_latency_ms", "The latency of service invocation response.", LatencyBucketsMs, "app_id", "src_app_id", "status"));
        _pubsubIngress = Add(new CounterFamily<(string, string, string, string, string, string)>(
            "dapr_component_pubsub_ingress_count", "The number of incoming messages arriving from the pub/sub component.", [.. component, "process_status", "status", "topic"]));
        _pubsubIngressLatency = Add(new HistogramFamily<(string, string, string, string, string, string)>(
            "dapr_component_pubsub_ingress_latencies", "The consuming app event processing latency.", LatencyBucketsMs, [.. component, "process_status", "status", "topic"]));
        _pubsubEgress = Add(new CounterFamily<(string, string, string, string, string)>(
            "dapr_component_pubsub_egress_count", "The number of outgoing messages published to the pub/sub component.", [.. component, "success", "topic"]));
        _pubsubEgressLatency = Add(new HistogramFamily<(string, string, string, string, string)>(
            "dapr_component_pubsub_egress_latencies", "The latency of the response from the pub/sub component.", LatencyBucketsMs, [.. component, "success", "topic"]));
        _bulkEgress = Add(new CounterFamily<(string, string, string, string, string)>(
            "dapr_component_pubsub_egress_bulk_count", "The number of bulk publish calls to the pub/sub component.", [.. component, "success", "topic"]));
        _bulkEgressEvents = Add(new CounterFamily<(string, string, string, string, string)>(
            "dapr_component_pubsub_egress_bulk_event_count", "The number of outgoing messages to the pub/sub component published through bulk publish API.", [.. component, "success", "topic"]));
        _bulkEgressLatency = Add(new HistogramFamily<(string, string, string, string, string)>(
            "dapr_component_pubsub_egress_bulk_latencies", "The latency of the response for the bulk publish call from the pub/sub component.", LatencyBucketsMs, [.. component, "success", "topic"]));
        _stateCount = Add(new CounterFamily<(string, string, string, string, string)>(
            "dapr_component_state_count", "The number of operations performed on the state component.", [.. component, "operation", "success"]));
        _stateLatency = Add(new HistogramFamily<(string, string, string, string, string)>(
            "dapr_component_state_latencies", "The latency of the response from the state component.", LatencyBucketsMs, [.. component, "operation", "success"]));
        _secretCount = Add(new CounterFamily<(string, string, string, string, string)>(
            "dapr_component_secret_count", "The number of operations performed on the secret component.", [.. component, "operation", "success"]));
        _secretLatency = Add(new HistogramFamily<(string, string, string, string, string)>(
            "dapr_component_secret_latencies", "The latency of the response from the secret component.", LatencyBucketsMs, [.. component, "operation", "success"]));

        string[] resiliency = ["app_id", "name", "policy", "namespace", "flow_direction", "target", "status"];
        _resiliencyLoaded = Add(new CounterFamily<(string, string, string)>(
            "dapr_resiliency_loaded", "Number of resiliency policies loaded.", "app_id", "name", "namespace"));
        _resiliencyExecuted = Add(new CounterFamily<(string, string, string, string, string, string, string)>(
            "dapr_resiliency_count", "Number of times a resiliency policyKey has been applied to a building block.", resiliency));
        _resiliencyActivated = Add(new CounterFamily<(string, string, string, string, string, string, string)>(
            "dapr_resiliency_activations_total", "Number of times a resiliency policyKey has been activated in a building block after a failure or after a state change.", resiliency));
        _breakerState = Add(new GaugeFamily<(string, string, string, string, string, string, string)>(
            "dapr_resiliency_cb_state", "A resiliency policy's current CircuitBreakerState state. 0 is closed, 1 is half-open, 2 is open, and -1 is unknown.", resiliency));
    }

    public bool Enabled { get; }

    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>One request served by the HTTP API (method is the verb, path the daprd metric path label).</summary>
    public void RecordHttpServerRequest(string method, string path, int status, double elapsedMs)
    {
        if (!Enabled)
        {
            return;
        }

        var labels = (_appId, method, path, Status(status));
        _httpRequests.Add(labels);
        _httpLatency.Observe(labels, elapsedMs);
    }

    /// <summary>
    /// One call served by the gRPC API: its full method name and the status the client got; for a unary call also
    /// the sizes of its request and response messages (daprd records none for streams).
    /// </summary>
    public void RecordGrpcServerCall(string method, StatusCode status, double elapsedMs, (long Received, long Sent)? sizes = null)
    {
        if (!Enabled)
        {
            return;
        }

        // Go's codes.Code names, which daprd's label carries; they differ from .NET's only in "Canceled".
        var labels = (_appId, method, status == StatusCode.Cancelled ? "Canceled" : status.ToString());
        _grpcCompleted.Add(labels);
        _grpcLatency.Observe(labels, elapsedMs);
        if (sizes is var (received, sent))
        {
            _grpcReceivedBytes.Observe((_appId, method), received);
            _grpcSentBytes.Observe((_appId, method), sent);
        }
    }

    /// <summary>Caller side: a request sent to another app's sidecar.</summary>
    public void RecordInvocationRequestSent(string targetAppId)
    {
        if (Enabled)
        {
            _invocationRequestsSent.Add((_appId, targetAppId, "unary"));
        }
    }

    /// <summary>Caller side: the target's answer arrived (status of the app's response, or 500 on failure).</summary>
    public void RecordInvocationResponseReceived(string targetAppId, int status, double elapsedMs)
    {
        if (Enabled)
        {
            var code = Status(status);
            _invocationResponsesReceived.Add((_appId, targetAppId, code, "unary"));
            _invocationLatency.Observe((_appId, targetAppId, code), elapsedMs);
        }
    }

    /// <summary>Callee side: a request arrived from another app's sidecar.</summary>
    public void RecordInvocationRequestReceived(string callerAppId)
    {
        if (Enabled)
        {
            _invocationRequestsReceived.Add((_appId, callerAppId));
        }
    }

    /// <summary>Callee side: the app's answer was sent back to the caller.</summary>
    public void RecordInvocationResponseSent(string callerAppId, int status)
    {
        if (Enabled)
        {
            _invocationResponsesSent.Add((_appId, callerAppId, Status(status)));
        }
    }

    /// <summary>One pub/sub message delivered (or not) to the app; elapsedMs is the app's processing time.</summary>
    public void RecordDelivery(string pubsub, string topic, PubSubDeliveryResult result, double elapsedMs = 0)
    {
        if (!Enabled)
        {
            return;
        }

        var status = result switch
        {
            PubSubDeliveryResult.Success => "success",
            PubSubDeliveryResult.Retry => "retry",
            _ => "drop",
        };
        var labels = (_appId, pubsub, _namespace, status, status, topic);
        _pubsubIngress.Add(labels);
        if (elapsedMs > 0)
        {
            _pubsubIngressLatency.Observe(labels, elapsedMs);
        }
    }

    /// <summary>One message published to a pub/sub component.</summary>
    public void RecordPublish(string pubsub, string topic, bool success, double elapsedMs = 0)
    {
        if (!Enabled)
        {
            return;
        }

        var labels = (_appId, pubsub, _namespace, success ? "true" : "false", topic);
        _pubsubEgress.Add(labels);
        if (elapsedMs > 0)
        {
            _pubsubEgressLatency.Observe(labels, elapsedMs);
        }
    }

    /// <summary>
    /// One bulk publish call, as daprd counts it: the call with its overall success, and the events that were
    /// published (always under success "true", even when the call as a whole failed).
    /// </summary>
    public void RecordBulkPublish(string pubsub, string topic, bool success, int eventsPublished, double elapsedMs)
    {
        if (!Enabled)
        {
            return;
        }

        var labels = (_appId, pubsub, _namespace, success ? "true" : "false", topic);
        _bulkEgress.Add(labels);
        _bulkEgressLatency.Observe(labels, elapsedMs);
        if (eventsPublished > 0)
        {
            _bulkEgressEvents.Add((_appId, pubsub, _namespace, "true", topic), eventsPublished);
        }
    }

    /// <summary>One state store operation (operation is daprd's name: get, set, delete, bulk_get, transaction...).</summary>
    public void RecordStateOperation(string store, string operation, bool success, double elapsedMs)
    {
        if (Enabled)
        {
            var labels = (_appId, store, _namespace, operation, success ? "true" : "false");
            _stateCount.Add(labels);
            _stateLatency.Observe(labels, elapsedMs);
        }
    }

    /// <summary>One secret store operation (get, bulk_get).</summary>
    public void RecordSecretOperation(string store, string operation, bool success, double elapsedMs)
    {
        if (Enabled)
        {
            var labels = (_appId, store, _namespace, operation, success ? "true" : "false");
            _secretCount.Add(labels);
            _secretLatency.Observe(labels, elapsedMs);
        }
    }

    /// <summary>A Resiliency resource was loaded.</summary>
    public void RecordResiliencyLoaded(string resiliencyName)
    {
        if (Enabled)
        {
            _resiliencyLoaded.Add((_appId, resiliencyName, _namespace));
        }
    }

    /// <summary>A policy (timeout, retry or circuitbreaker) was applied to an operation.</summary>
    public void RecordResiliencyExecuted(ResiliencyMetricTarget target, string policy, string status = "")
    {
        if (Enabled)
        {
            _resiliencyExecuted.Add(ResiliencyLabels(target, policy, status));
        }
    }

    /// <summary>A policy acted: a retry was scheduled, a timeout fired or a circuit breaker changed state.</summary>
    public void RecordResiliencyActivated(ResiliencyMetricTarget target, string policy, string status = "")
    {
        if (Enabled)
        {
            _resiliencyActivated.Add(ResiliencyLabels(target, policy, status));
        }
    }

    /// <summary>Sets the cb_state gauge: 1 for the breaker's current state, 0 for the others (as daprd records it).</summary>
    public void RecordCircuitBreakerState(ResiliencyMetricTarget target, CircuitBreakerState state)
    {
        if (!Enabled)
        {
            return;
        }

        var current = BreakerStateText(state);
        foreach (var name in BreakerStates)
        {
            _breakerState.Set(ResiliencyLabels(target, "circuitbreaker", name), name == current ? 1 : 0);
        }
    }

    public static string BreakerStateText(CircuitBreakerState state) => state switch
    {
        CircuitBreakerState.Closed => "closed",
        CircuitBreakerState.HalfOpen => "half-open",
        _ => "open",
    };

    /// <summary>All metrics in the Prometheus text exposition format (version 0.0.4).</summary>
    public string RenderPrometheus()
    {
        var output = new StringBuilder();
        foreach (var family in _families)
        {
            family.Render(output);
        }

        ProcessMetrics.Render(output);
        return output.ToString();
    }

    private (string, string, string, string, string, string, string) ResiliencyLabels(ResiliencyMetricTarget target, string policy, string status) =>
        (_appId, target.ResiliencyName, policy, _namespace, target.FlowDirection, target.Target, status);

    private static string Status(int status) =>
        status >= 0 && status < StatusTexts.Length ? StatusTexts[status] : status.ToString(CultureInfo.InvariantCulture);

    private T Add<T>(T family)
        where T : MetricFamily
    {
        _families.Add(family);
        return family;
    }
}
