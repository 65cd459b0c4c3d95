using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using DaprPlatform.Sidecar.Api;
using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Resources;
using DaprPlatform.Sidecar.Runtime.Metrics;
using DaprPlatform.Sidecar.Runtime.NameResolution;
using DaprPlatform.Sidecar.Runtime.Resiliency;
using DaprPlatform.Sidecar.Runtime.PubSub;

namespace DaprPlatform.Sidecar.Runtime.Invocation;

/// <summary>
/// The calling side of service invocation (daprd's onDirectMessage + directMessaging): finds the target app and
/// method, applies the app's resiliency policy, and sends the call to the target's sidecar (or straight to its own
/// app when the app calls itself). The target's response is passed back verbatim; a failing one is first read
/// whole so a retry policy can judge it, and the last one is what the app gets.
/// </summary>
public sealed partial class ServiceInvoker(
    SidecarOptions options,
    ConfigurationResource configuration,
    INameResolver resolver,
    PeerClient peers,
    AppForwarder app,
    IResiliencyProvider resiliency,
    SidecarMetrics metrics,
    HostIdentity host,
    ILogger<ServiceInvoker> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        var found = InvocationTarget.Find(InvocationTarget.DecodedPath(context), request.Headers)
            ?? throw DaprErrors.DirectInvokeNoAppId().ToException();
        var targetId = found.AppId;
        if (found.ByUrl && found.Method.Length == 0)
        {
            // "/v1.0/invoke/{id}/method/" names no method (the header and Basic forms may call the app's root).
            throw DaprErrors.DirectInvokeMethod().ToException();
        }

        if (!InvocationVerbs.IsSupported(request.Method))
        {
            throw Failed(targetId, new InvocationRpcException(InvocationRpcException.InvalidArgument, "invalid HTTP verb"));
        }

        if (!MethodPath.TryNormalize(found.Method, out var method, out var problem))
        {
            throw Failed(targetId, new InvocationRpcException(InvocationRpcException.InvalidArgument, "invalid method: " + problem));
        }

        if (targetId.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || targetId.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            throw Failed(targetId, new InvocationFailedException("invoking external URLs (HTTPEndpoint) is not supported by this sidecar"));
        }

        if (!TrySplitAppId(targetId, out var appId, out var targetNamespace))
        {
            throw Failed(targetId, new InvocationFailedException($"invalid app id {targetId}"));
        }

        var policy = resiliency.App(targetId, method);
        var streaming = request.ContentLength is null && AppForwarder.HasBody(request);
        var call = new OutgoingInvocation(context, targetId, appId, targetNamespace ?? options.Namespace, method)
        {
            Streaming = streaming,
            // A retried call must send its body again, so a body of known length is kept (daprd's replayable request).
            BufferedBody = policy.HasRetries && !streaming && request.ContentLength is > 0 ? await RequestBody.ReadAllAsync(request, context.RequestAborted) : null,
            ServerSentEvents = ResponseRelay.IsServerSentEvents(request),
            Trace = TraceContext.ChildOf(request.Headers[TraceContext.TraceParentHeader], request.Headers[TraceContext.TraceStateHeader], configuration.TracingSamplingRate),
        };

        try
        {
            await policy.ExecuteAsync(ct => call.Track(AttemptAsync(call, ct)), context.RequestAborted);
        }
        catch (Exception e)
        {
            await call.DrainAsync();
            await AnswerFailureAsync(call, e);
        }
        finally
        {
            await call.DrainAsync();
        }
    }

    private async Task<bool> AttemptAsync(OutgoingInvocation call, CancellationToken cancellationToken)
    {
        if (call.ResponseStarted)
        {
            throw new PermanentFailureException("already completed");
        }

        try
        {
            using var response = call.AppId == options.AppId && call.Namespace == options.Namespace
                ? await SendToOwnAppAsync(call, cancellationToken)
                : await SendToPeerAsync(call, cancellationToken);
            if (response.Headers.TryGetValues(InvocationHeaders.InternalError, out var codes))
            {
                throw new InvocationRpcException(codes.First(), await response.Content.ReadAsStringAsync(cancellationToken));
            }

            var status = (int)response.StatusCode;
            var failed = status is < 200 or > 399;
            if (failed && !call.Streaming)
            {
                throw new InvocationStatusException(await BufferedResponse.ReadAsync(response, cancellationToken));
            }

            if (!call.TryStartResponse())
            {
                throw new PermanentFailureException("already completed");
            }

            await ResponseRelay.RelayAsync(response, call.Context, call.ServerSentEvents, cancellationToken);
            if (failed)
            {
                // Already passed on; reported as a failure only so a circuit breaker counts it.
                throw new PermanentFailureException("streaming request received non-2xx response");
            }

            return true;
        }
        catch (Exception e) when (call.Streaming && e is InvocationRpcException or InvocationFailedException)
        {
            // A streamed body was consumed by this attempt; another could only send it empty.
            throw new PermanentFailureException(e.Message, e);
        }
    }

    private async Task<HttpResponseMessage> SendToOwnAppAsync(OutgoingInvocation call, CancellationToken cancellationToken)
    {
        if (!app.HasApp)
        {
            throw new InvocationFailedException("cannot invoke local endpoint: app channel not initialized");
        }

        using var request = app.CreateRequest(call.Request, call.Method, call.CreateBody(), keepIdentity: false, call.Trace);
        InvocationHeaders.StampIdentity(request, options.Namespace, options.AppId, options.AppId);
        try
        {
            return await app.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw RequestBodyFailure(e) ?? new InvocationFailedException(e.Message, e);
        }
    }

    /// <summary>
    /// Sends the call to a sidecar of the target app. Without a policy for the app, connection failures are retried
    /// by DaprBuiltInServiceRetries (3 × 1 s), re-resolving each time so a replica that went away is skipped; a
    /// body already partly sent cannot be retried.
    /// </summary>
    private async Task<HttpResponseMessage> SendToPeerAsync(OutgoingInvocation call, CancellationToken cancellationToken)
    {
        var builtIn = !resiliency.HasAppTarget(call.TargetId) && !call.Streaming
            ? resiliency.BuiltIn(BuiltInRetries.ServiceRetries)
            : NoResiliency.Instance;
        try
        {
            return await builtIn.ExecuteAsync(ct => SendToPeerOnceAsync(call, ct), cancellationToken);
        }
        catch (PermanentFailureException e) when (e.InnerException is { } inner)
        {
            // Permanent only for the built-in retries; the app's own policy judges the failure afresh.
            throw inner;
        }
    }

    private async Task<HttpResponseMessage> SendToPeerOnceAsync(OutgoingInvocation call, CancellationToken cancellationToken)
    {
        if (resolver.Resolve(call.AppId, call.Namespace) is not { } peer)
        {
            throw new PermanentFailureException("name resolution failed", new InvocationFailedException($"couldn't find service: {call.AppId}"));
        }

        using var request = new HttpRequestMessage(HttpMethod.Parse(call.Request.Method), PeerClient.InvokeUri(peer.Host, peer.Port, call.Method, call.Request.QueryString.Value))
        {
            Content = call.CreateBody(),
        };
        InvocationHeaders.CopyRequestHeaders(call.Request.Headers, request, keepIdentity: false);
        InvocationHeaders.StampForwarded(request, host);
        InvocationHeaders.StampIdentity(request, options.Namespace, options.AppId, call.AppId);
        InvocationHeaders.StampTrace(request, call.Trace);

        metrics.RecordInvocationRequestSent(call.AppId);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await peers.SendAsync(request, cancellationToken);
            metrics.RecordInvocationResponseReceived(call.AppId, (int)response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return response;
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            if (RequestBodyFailure(e) is { } bodyFailure)
            {
                throw new PermanentFailureException(bodyFailure.Message, bodyFailure);
            }

            resolver.Evict(call.AppId, call.Namespace);
            LogPeerUnavailable(logger, call.AppId, peer.Host, peer.Port, e.Message);
            var failure = new InvocationRpcException(InvocationRpcException.Unavailable, "connection error: " + e.Message);
            return IsConnectFailure(e) && !call.BodyConsumed ? throw failure : throw new PermanentFailureException(failure.Message, failure);
        }
    }

    private async Task AnswerFailureAsync(OutgoingInvocation call, Exception exception)
    {
        var context = call.Context;
        var error = exception is PermanentFailureException { InnerException: { } inner } ? inner : exception;
        if (call.ResponseStarted)
        {
            // Headers (and maybe part of the body) are out: nothing else can be said. A truncated body must not look complete.
            if (error is not PermanentFailureException)
            {
                LogStreamFailed(logger, call.TargetId, error.Message);
                context.Abort();
            }

            return;
        }

        switch (error)
        {
            case InvocationStatusException status:
                await ResponseRelay.WriteBufferedAsync(context, status.Response, context.RequestAborted);
                return;
            case BadHttpRequestException:
                throw error;
            case OperationCanceledException when context.RequestAborted.IsCancellationRequested:
                throw error;
            default:
                throw Failed(call.TargetId, error);
        }
    }

    // "app" or "app.namespace": at most one dot, no empty part.
    private static bool TrySplitAppId(string targetId, out string appId, out string? targetNamespace)
    {
        var dot = targetId.IndexOf('.');
        appId = dot < 0 ? targetId : targetId[..dot];
        targetNamespace = dot < 0 ? null : targetId[(dot + 1)..];
        return appId.Length > 0 && targetNamespace is not { Length: 0 } && targetNamespace?.Contains('.') != true;
    }

    private static DaprErrorException Failed(string targetId, Exception error) =>
        new DaprError(
            error is InvocationRpcException rpc ? rpc.HttpStatus : StatusCodes.Status500InternalServerError,
            "ERR_DIRECT_INVOKE",
            $"failed to invoke, id: {targetId}, err: {error.Message}").ToException();

    // Reading the app's own request body failed (too large, client gone): that is the request's fault, not the target's.
    private static Exception? RequestBodyFailure(HttpRequestException e)
    {
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is BadHttpRequestException or ConnectionResetException)
            {
                return inner;
            }
        }

        return null;
    }

    private static bool IsConnectFailure(HttpRequestException e) =>
        e.HttpRequestError == HttpRequestError.ConnectionError || e.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused };

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sidecar of {AppId} at {Host}:{Port} is unreachable: {Reason}")]
    private static partial void LogPeerUnavailable(ILogger logger, string appId, string host, int port, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Service invocation of {AppId} failed while its response was being passed on: {Reason}")]
    private static partial void LogStreamFailed(ILogger logger, string appId, string reason);
}
