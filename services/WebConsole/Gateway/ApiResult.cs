namespace DaprPlatform.WebConsole.Gateway;

/// <summary>
/// What the gateway said about a request that did not succeed, taken from its RFC 7807 body: the title and detail are
/// shown to the user as they are, validation errors listed. Never an exception's text.
/// </summary>
public sealed record ApiProblem(int Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static ApiProblem Unreachable { get; } =
        new(503, "The platform did not answer", "The gateway could not be reached. Try again in a moment.");
}

/// <summary>Either the value the gateway returned or the problem it reported.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public bool Succeeded => Problem is null;

    public static implicit operator ApiResult<T>(ApiProblem problem) => new(default, problem);
}
