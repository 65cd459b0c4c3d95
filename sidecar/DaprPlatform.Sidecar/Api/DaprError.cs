namespace DaprPlatform.Sidecar.Api;

/// <summary>An API error as daprd reports it: an HTTP status plus the <c>{"errorCode","message"}</c> body.</summary>
public sealed record DaprError(int Status, string ErrorCode, string Message)
{
    public DaprErrorException ToException() => new(this);
}

/// <summary>Thrown anywhere below an API route to answer with a daprd error; the error middleware writes it.</summary>
public sealed class DaprErrorException(DaprError error) : Exception(error.Message)
{
    public DaprError Error { get; } = error;
}
