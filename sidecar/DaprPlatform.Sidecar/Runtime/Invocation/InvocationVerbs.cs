namespace DaprPlatform.Sidecar.Runtime.Invocation;

/// <summary>
/// The HTTP verbs service invocation carries (daprd's HTTPExtension verbs). CONNECT, and verbs daprd has no name for,
/// are refused with "invalid HTTP verb".
/// </summary>
public static class InvocationVerbs
{
    private static readonly HashSet<string> Supported = new(StringComparer.OrdinalIgnoreCase)
    {
        "GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "TRACE", "PATCH",
    };

    public static bool IsSupported(string method) => Supported.Contains(method);
}
