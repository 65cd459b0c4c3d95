using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using DaprPlatform.DurableTask.Protocol;
using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Runtime.Workflow;
using Google.Protobuf.WellKnownTypes;

namespace DaprPlatform.Sidecar.Api;

/// <summary>
/// daprd's workflow HTTP API (dapr pkg/api/http/workflow.go over pkg/api/universal/workflow.go), mapped under
/// /v1.0, /v1.0-beta1 and /v1.0-alpha1. As in daprd the {workflowComponent} segment is not checked (it is "dapr").
/// </summary>
public static class WorkflowEndpoints
{
    private const int MaxInstanceIdLength = 64;

    // Like protojson: quotes inside values as \", no HTML escaping.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // daprd's statusMap: anything else (STALLED) reads "UNKNOWN".
    private static readonly Dictionary<OrchestrationStatus, string> StatusNames = new()
    {
        [OrchestrationStatus.Running] = "RUNNING",
        [OrchestrationStatus.Completed] = "COMPLETED",
        [OrchestrationStatus.ContinuedAsNew] = "CONTINUED_AS_NEW",
        [OrchestrationStatus.Failed] = "FAILED",
        [OrchestrationStatus.Canceled] = "CANCELED",
        [OrchestrationStatus.Terminated] = "TERMINATED",
        [OrchestrationStatus.Pending] = "PENDING",
        [OrchestrationStatus.Suspended] = "SUSPENDED",
    };

    public static void MapWorkflowApi(this RouteGroupBuilder group)
    {
        group.MapGet("/workflows/{workflowComponent}/{instanceId}", GetAsync);
        group.MapPost("/workflows/{workflowComponent}/{workflowName}/start", StartAsync);
        group.MapPost("/workflows/{workflowComponent}/{instanceId}/raiseEvent/{eventName}", RaiseEventAsync);
        group.MapPost("/workflows/{workflowComponent}/{instanceId}/terminate", TerminateAsync);
        group.MapPost("/workflows/{workflowComponent}/{instanceId}/pause", PauseAsync);
        group.MapPost("/workflows/{workflowComponent}/{instanceId}/resume", ResumeAsync);
        group.MapPost("/workflows/{workflowComponent}/{instanceId}/purge", PurgeAsync);
    }

    private static async Task<IResult> StartAsync(string workflowName, HttpRequest request, WorkflowEngine engine, SidecarOptions options, CancellationToken ct)
    {
        Available(engine);
        string instanceId = request.Query["instanceID"].ToString();
        if (instanceId.Length == 0)
        {
            instanceId = Guid.NewGuid().ToString();
        }

        ValidateNewInstanceId(instanceId);
        if (string.IsNullOrEmpty(workflowName))
        {
            throw WorkflowErrors.NameMissing().ToException();
        }

        LocalAppOnly(request, options, err => WorkflowErrors.Start(workflowName, err));

        // The body is the input as it is (JSON text), without parsing.
        string input;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            input = await reader.ReadToEndAsync(ct);
        }

        try
        {
            await engine.StartAsync(instanceId, workflowName, input, null, null, null, null, null, ct);
        }
        catch (Exception e) when (e is not (OperationCanceledException or DaprErrorException or WorkflowUnavailableException))
        {
            throw WorkflowErrors.Start(workflowName, $"unable to start workflow: {e.Message}").ToException();
        }

        return Json(StatusCodes.Status202Accepted, writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("instanceID", instanceId);
            writer.WriteEndObject();
        });
    }

    private static async Task<IResult> GetAsync(string instanceId, HttpRequest request, WorkflowEngine engine, SidecarOptions options, CancellationToken ct)
    {
        Available(engine);
        LocalAppOnly(request, options, err => WorkflowErrors.Get(instanceId, err));
        WorkflowSnapshot? snapshot;
        try
        {
            snapshot = await engine.GetAsync(instanceId, ct);
        }
        catch (Exception e) when (e is not (OperationCanceledException or DaprErrorException or WorkflowUnavailableException))
        {
            throw WorkflowErrors.Get(instanceId, $"failed to get workflow metadata for '{instanceId}': {e.Message}").ToException();
        }

        if (snapshot is null)
        {
            throw WorkflowErrors.InstanceNotFound(instanceId).ToException();
        }

        return Json(StatusCodes.Status200OK, writer => WriteWorkflow(writer, snapshot));
    }

    private static async Task<IResult> RaiseEventAsync(string instanceId, string eventName, HttpRequest request, WorkflowEngine engine, SidecarOptions options, CancellationToken ct)
    {
        Available(engine);
        if (string.IsNullOrEmpty(eventName))
        {
            throw WorkflowErrors.EventNameMissing().ToException();
        }

        LocalAppOnly(request, options, err => WorkflowErrors.RaiseEvent(instanceId, err));
        string data;
        using (var reader = new StreamReader(request.Body, Encoding.UTF8))
        {
            data = await reader.ReadToEndAsync(ct);
        }

        return await RunAsync(
            () => engine.RaiseEventAsync(instanceId, eventName, data, ct),
            e => WorkflowErrors.RaiseEvent(instanceId, $"failed to raise event {eventName} on workflow {instanceId}: failed to raise event: {e.Message}"),
            notFoundIs404: false);
    }

    private static Task<IResult> TerminateAsync(string instanceId, HttpRequest request, WorkflowEngine engine, SidecarOptions options, CancellationToken ct)
    {
        Available(engine);
        LocalAppOnly(request, options, err => WorkflowErrors.Terminate(instanceId, err));

        // The HTTP API always terminates the children too.
        return RunAsync(
            () => engine.TerminateAsync(instanceId, null, recursive: true, ct),
            e => WorkflowErrors.Terminate(instanceId, $"failed to terminate workflow {instanceId}: failed to submit termination request:: {e.Message}"),
            notFoundIs404: true);
    }

    private static Task<IResult> PauseAsync(string instanceId, HttpRequest request, WorkflowEngine engine, SidecarOptions options, CancellationToken ct)
    {
        Available(engine);
        LocalAppOnly(request, options, err => WorkflowErrors.Pause(instanceId, err));
        return RunAsync(
            () => engine.SuspendAsync(instanceId, null, ct),
            e => WorkflowErrors.Pause(instanceId, $"failed to pause workflow {instanceId}: failed to suspend workflow: {e.Message}"),
            notFoundIs404: false);
    }

    private static Task<IResult> ResumeAsync(string instanceId, HttpRequest request, WorkflowEngine engine, SidecarOptions options, CancellationToken ct)
    {
        Available(engine);
        LocalAppOnly(request, options, err => WorkflowErrors.Resume(instanceId, err));
        return RunAsync(
            () => engine.ResumeAsync(instanceId, null, ct),
            e => WorkflowErrors.Resume(instanceId, $"failed to resume workflow {instanceId}: failed to resume workflow: {e.Message}"),
            notFoundIs404: false);
    }

    private static Task<IResult> PurgeAsync(string instanceId, HttpRequest request, WorkflowEngine engine, SidecarOptions options, CancellationToken ct)
    {
        Available(engine);
        LocalAppOnly(request, options, err => WorkflowErrors.Purge(instanceId, err));
        return RunAsync(
            () => engine.PurgeAsync(instanceId, recursive: true, force: false, ct),
            e => WorkflowErrors.Purge(instanceId, $"failed to Purge workflow {instanceId}: failed to purge workflow state: {e.Message}"),
            notFoundIs404: true);
    }

    /// <summary>Runs an operation answered with 202 and an empty protojson object, mapping failures to daprd's errors.</summary>
    private static async Task<IResult> RunAsync(Func<Task> operation, Func<Exception, DaprError> failure, bool notFoundIs404)
    {
        try
        {
            await operation();
        }
        catch (WorkflowNotFoundException e) when (notFoundIs404)
        {
            throw WorkflowErrors.InstanceNotFound(e.InstanceId).ToException();
        }
        catch (Exception e) when (e is not (OperationCanceledException or DaprErrorException or WorkflowUnavailableException))
        {
            throw failure(e).ToException();
        }

        return Json(StatusCodes.Status202Accepted, writer =>
        {
            writer.WriteStartObject();
            writer.WriteEndObject();
        });
    }

    private static void Available(WorkflowEngine engine)
    {
        try
        {
            engine.EnsureAvailable();
        }
        catch (WorkflowUnavailableException e)
        {
            throw WorkflowErrors.ActorRuntimeNotFound(e.Message).ToException();
        }
    }

    /// <summary>daprd validates instance ids only when creating (universal/workflow.go validateInstanceID).</summary>
    private static void ValidateNewInstanceId(string instanceId)
    {
        if (instanceId.Length > MaxInstanceIdLength)
        {
            throw WorkflowErrors.InstanceIdTooLong(MaxInstanceIdLength).ToException();
        }

        foreach (var rune in instanceId.EnumerateRunes())
        {
            if (!Rune.IsLetter(rune) && !Rune.IsDigit(rune) && rune.Value != '_' && rune.Value != '-')
            {
                throw WorkflowErrors.InstanceIdInvalid(instanceId).ToException();
            }
        }
    }

    /// <summary>
    /// The optional appID query parameter names the app hosting the workflow. This sidecar runs only its own app's
    /// workflows; another app id is refused after the same format check daprd makes.
    /// </summary>
    private static void LocalAppOnly(HttpRequest request, SidecarOptions options, Func<string, DaprError> failure)
    {
        var appId = request.Query["appID"].ToString();
        if (appId.Length == 0 || string.Equals(appId, options.AppId, StringComparison.Ordinal))
        {
            return;
        }

        foreach (var c in appId)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '-')
            {
                throw WorkflowErrors.AppIdInvalid(appId).ToException();
            }
        }

        throw failure($"workflows of app '{appId}' are not reachable from this sidecar: cross-app workflow calls are not supported").ToException();
    }

    /// <summary>GetWorkflowResponse in protojson: json names from workflow.proto, empty fields left out.</summary>
    private static void WriteWorkflow(Utf8JsonWriter writer, WorkflowSnapshot snapshot)
    {
        writer.WriteStartObject();
        writer.WriteString("instanceID", snapshot.InstanceId);
        if (snapshot.Name.Length > 0)
        {
            writer.WriteString("workflowName", snapshot.Name);
        }

        writer.WriteString("createdAt", FormatTimestamp(snapshot.CreatedAt));
        writer.WriteString("lastUpdatedAt", FormatTimestamp(snapshot.LastUpdatedAt));
        writer.WriteString("runtimeStatus", StatusNames.GetValueOrDefault(snapshot.Status, "UNKNOWN"));

        var properties = new List<(string, string)>();
        if (snapshot.CustomStatus is { } customStatus)
        {
            properties.Add(("dapr.workflow.custom_status", customStatus));
        }

        if (snapshot.Input is { } input)
        {
            properties.Add(("dapr.workflow.input", input));
        }

        // A failed workflow reports its failure, not an output (universal/workflow.go).
        if (snapshot.Output is { } output && snapshot.Failure is null)
        {
            properties.Add(("dapr.workflow.output", output));
        }

        if (snapshot.Failure is { } failure)
        {
            properties.Add(("dapr.workflow.failure.error_type", failure.ErrorType));
            properties.Add(("dapr.workflow.failure.error_message", failure.ErrorMessage));
            if (failure.StackTrace is { } stackTrace)
            {
                properties.Add(("dapr.workflow.failure.stack_trace", stackTrace));
            }
        }

        if (properties.Count > 0)
        {
            writer.WriteStartObject("properties");
            foreach (var (key, value) in properties)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    /// <summary>protojson's Timestamp: RFC 3339 in UTC with 0, 3, 6 or 9 fractional digits.</summary>
    public static string FormatTimestamp(Timestamp timestamp)
    {
        var text = DateTimeOffset.FromUnixTimeSeconds(timestamp.Seconds).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
        var nanos = timestamp.Nanos;
        var fraction = nanos == 0 ? ""
            : nanos % 1_000_000 == 0 ? "." + (nanos / 1_000_000).ToString("D3", CultureInfo.InvariantCulture)
            : nanos % 1_000 == 0 ? "." + (nanos / 1_000).ToString("D6", CultureInfo.InvariantCulture)
            : "." + nanos.ToString("D9", CultureInfo.InvariantCulture);
        return text + fraction + "Z";
    }

    private static IResult Json(int status, Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return new JsonBytesResult(status, buffer.WrittenSpan.ToArray());
    }

    private sealed class JsonBytesResult(int status, byte[] body) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            httpContext.Response.ContentType = "application/json";
            httpContext.Response.ContentLength = body.Length;
            return httpContext.Response.Body.WriteAsync(body).AsTask();
        }
    }
}
