using Microsoft.AspNetCore.Http.Features;
using DaprPlatform.Sidecar.Resources;
using DaprPlatform.Sidecar.Runtime.Metrics;
using DaprPlatform.Sidecar.Runtime.PubSub;

namespace DaprPlatform.Sidecar.Runtime.Invocation;

/// <summary>
/// The called side of service invocation (daprd's CallLocalStream): a call from another sidecar, arriving on the
/// internal port, is checked against the access control list for the calling app and passed to this sidecar's app.
/// The app's response goes back as it is; errors of this sidecar's own are marked with the
/// <see cref="InvocationHeaders.InternalError"/> header so the caller can tell them from the app's answers.
/// </summary>
public sealed partial class InternalInvocationHandler(
    AppForwarder app,
    ConfigurationResource configuration,
    SidecarMetrics metrics,
    ILogger<InternalInvocationHandler> logger)
{
    private readonly AccessControlList? _accessControl = AccessControlList.FromConfiguration(configuration);

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var caller = request.Headers[InvocationHeaders.CallerAppId].ToString();
        var callerNamespace = request.Headers[InvocationHeaders.CallerNamespace].ToString();
        metrics.RecordInvocationRequestReceived(caller.Length > 0 ? caller : "unknown");

        if (!app.HasApp)
        {
            await RefuseAsync(context, caller, InvocationRpcException.Internal, "app channel is not initialized");
            return;
        }

        if (!MethodPath.TryNormalize(RequestedMethod(context), out var method, out var problem))
        {
            await RefuseAsync(context, caller, InvocationRpcException.InvalidArgument, "invalid method: " + problem);
            return;
        }

        if (_accessControl is not null && !_accessControl.IsAllowed(caller, callerNamespace, method, request.Method, out var denial))
        {
            LogDenied(logger, caller, callerNamespace, method, request.Method);
            await RefuseAsync(context, caller, InvocationRpcException.PermissionDenied, denial);
            return;
        }

        if (!InvocationVerbs.IsSupported(request.Method))
        {
            await RefuseAsync(context, caller, InvocationRpcException.InvalidArgument, "invalid HTTP verb");
            return;
        }

        var trace = TraceContext.ChildOf(request.Headers[TraceContext.TraceParentHeader], request.Headers[TraceContext.TraceStateHeader], configuration.TracingSamplingRate);
        using var appRequest = app.CreateRequest(request, method, AppForwarder.StreamedBody(request), keepIdentity: true, trace);
        HttpResponseMessage response;
        try
        {
            response = await app.SendAsync(appRequest, context.RequestAborted);
        }
        catch (HttpRequestException e) when (!context.RequestAborted.IsCancellationRequested)
        {
            if (e.InnerException is BadHttpRequestException bad)
            {
                throw bad;
            }

            await RefuseAsync(context, caller, InvocationRpcException.Internal, "error invoking app channel: " + e.Message);
            return;
        }

        using (response)
        {
            metrics.RecordInvocationResponseSent(caller, (int)response.StatusCode);
            await ResponseRelay.RelayAsync(response, context, serverSentEvents: false, context.RequestAborted);
        }
    }

    // The method travels escaped in the internal path; decoding the raw target recovers it exactly (even "%2F").
    private static string RequestedMethod(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget ?? context.Request.Path.Value ?? "";
        var query = raw.IndexOf('?');
        if (query >= 0)
        {
            raw = raw[..query];
        }

        var start = raw.IndexOf(PeerClient.InternalInvokePrefix, StringComparison.Ordinal);
        return start < 0 ? "" : InvocationTarget.PercentDecode(raw[(start + PeerClient.InternalInvokePrefix.Length)..]);
    }

    private async Task RefuseAsync(HttpContext context, string caller, string code, string description)
    {
        metrics.RecordInvocationResponseSent(caller, StatusCodes.Status500InternalServerError);
        context.Response.StatusCode = StatusCodes.Status500InternalServerError;
        context.Response.Headers[InvocationHeaders.InternalError] = code;
        context.Response.ContentType = "text/plain; charset=utf-8";
        await context.Response.WriteAsync(description, context.RequestAborted);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Access control denied {Verb} {Method} to {CallerAppId} (namespace {CallerNamespace})")]
    private static partial void LogDenied(ILogger logger, string callerAppId, string callerNamespace, string method, string verb);
}
