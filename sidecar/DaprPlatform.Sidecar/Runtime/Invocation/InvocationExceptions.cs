using DaprPlatform.Sidecar.Runtime.Resiliency;

namespace DaprPlatform.Sidecar.Runtime.Invocation;

/// <summary>
/// The target app answered with a failing status (&lt;200 or &gt;399). The response is kept whole: a retry policy
/// decides from its status whether to try again, and the last one is what the caller receives.
/// </summary>
public sealed class InvocationStatusException(BufferedResponse response)
    : Exception($"received non-successful status code in response: {response.Status}"), IStatusCodeFailure
{
    public BufferedResponse Response { get; } = response;

    public int StatusCode => Response.Status;
}

/// <summary>
/// A failure reported the way daprd's gRPC layer reports it ("rpc error: code = X desc = ..."): the callee sidecar
/// refused (PermissionDenied), could not reach its app (Internal), or the connection to it failed (Unavailable).
/// </summary>
public sealed class InvocationRpcException(string code, string description)
    : Exception($"rpc error: code = {code} desc = {description}")
{
    public const string PermissionDenied = "PermissionDenied";
    public const string Internal = "Internal";
    public const string InvalidArgument = "InvalidArgument";
    public const string Unavailable = "Unavailable";

    public string Code { get; } = code;

    public string Description { get; } = description;

    /// <summary>daprd answers 403 for an ACL denial and 500 for everything else.</summary>
    public int HttpStatus => Code == PermissionDenied ? StatusCodes.Status403Forbidden : StatusCodes.Status500InternalServerError;
}

/// <summary>The invocation could not be made (unknown app, no app channel...); the message is daprd's error text.</summary>
public sealed class InvocationFailedException(string message, Exception? inner = null) : Exception(message, inner);
