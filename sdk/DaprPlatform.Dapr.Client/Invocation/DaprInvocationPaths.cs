namespace DaprPlatform.Dapr.Client;

/// <summary>The shape of daprd's invocation route, shared by the client and <see cref="DaprInvocationHandler"/>.</summary>
internal static class DaprInvocationPaths
{
    private const string Prefix = "/v1.0/invoke/";
    private const string MethodSegment = "/method/";

    /// <param name="appId">Escaped as one segment: daprd also accepts URL-encoded ids such as <c>http%3A%2F%2Fhost</c>.</param>
    /// <param name="method">Passed through as given: it is already a path (and maybe query) in URL form.</param>
    public static string Build(string appId, string method) =>
        string.Concat(Prefix, Uri.EscapeDataString(appId), MethodSegment, method.TrimStart('/'));

    public static InvocationTarget? TryParse(Uri? uri)
    {
        if (uri is null || !uri.IsAbsoluteUri)
        {
            return null;
        }

        var path = uri.AbsolutePath;
        var start = path.IndexOf(Prefix, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var rest = path[(start + Prefix.Length)..];
        var methodAt = rest.IndexOf(MethodSegment, StringComparison.Ordinal);
        return methodAt < 0
            ? null
            : new InvocationTarget(Uri.UnescapeDataString(rest[..methodAt]), rest[(methodAt + MethodSegment.Length)..] + uri.Query);
    }
}
