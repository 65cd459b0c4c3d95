using System.Net;
using Microsoft.AspNetCore.Mvc;

namespace DaprPlatform.Dapr.Client;

/// <summary>
/// A service invocation came back with a non-success status. daprd passes the target app's status and body
/// through, so <see cref="StatusCode"/> is usually the callee's own answer. When the callee replied with
/// <c>application/problem+json</c>, <see cref="Problem"/> holds the parsed RFC 7807 document; when the sidecar
/// itself failed (e.g. <c>ERR_DIRECT_INVOKE</c>), <see cref="Exception.InnerException"/> is a <see cref="DaprApiException"/>.
/// </summary>
public sealed class DaprInvocationException : DaprException
{
    public DaprInvocationException(
        string appId,
        string methodName,
        HttpStatusCode statusCode,
        string? responseBody,
        ProblemDetails? problem,
        DaprApiException? sidecarError)
        : base(BuildMessage(appId, methodName, statusCode, problem, sidecarError), sidecarError)
    {
        AppId = appId;
        MethodName = methodName;
        StatusCode = statusCode;
        ResponseBody = responseBody;
        Problem = problem;
    }

    public string AppId { get; }

    public string MethodName { get; }

    public HttpStatusCode StatusCode { get; }

    /// <summary>The response body as text (error bodies are small; success bodies never land here).</summary>
    public string? ResponseBody { get; }

    /// <summary>The callee's RFC 7807 problem details, when it answered with <c>application/problem+json</c>.</summary>
    public ProblemDetails? Problem { get; }

    /// <summary>The sidecar's own error, when the failure happened in Dapr rather than in the target app.</summary>
    public DaprApiException? SidecarError => InnerException as DaprApiException;

    private static string BuildMessage(string appId, string methodName, HttpStatusCode statusCode, ProblemDetails? problem, DaprApiException? sidecarError)
    {
        var detail = sidecarError?.Message ?? problem?.Detail ?? problem?.Title;
        var prefix = $"Invoking method '{methodName}' on app '{appId}' failed with status {(int)statusCode} ({statusCode})";
        return detail is null ? prefix + "." : $"{prefix}: {detail}";
    }
}
