using System.Text;
using Microsoft.AspNetCore.Http.Features;

namespace DaprPlatform.Sidecar.Runtime.Invocation;

/// <summary>The app an invocation is addressed to, and the method (path) to call on it.</summary>
/// <param name="ByUrl">Addressed as /v1.0/invoke/{id}/method/{method} (rather than by header or Basic auth).</param>
public readonly record struct InvocationTarget(string AppId, string Method, bool ByUrl = false)
{
    public const string AppIdHeader = "dapr-app-id";

    /// <summary>
    /// daprd's findTargetIDAndMethod, in its order of precedence: the <c>dapr-app-id</c> header (the whole path is
    /// the method; the header is removed so it is not forwarded), HTTP Basic auth with user <c>dapr-app-id</c> and
    /// the app id as password, then <c>/v1.0/invoke/{id}/method/{method}</c>. Null when none applies.
    /// </summary>
    /// <param name="path">The decoded request path (Go's URL.Path).</param>
    public static InvocationTarget? Find(string path, IHeaderDictionary headers)
    {
        if (headers[AppIdHeader].ToString() is { Length: > 0 } appId)
        {
            headers.Remove(AppIdHeader);
            return new InvocationTarget(appId, MethodPath.Clean(path).TrimStart('/'));
        }

        if (BasicAuthAppId(headers.Authorization.ToString()) is { } basicId)
        {
            return new InvocationTarget(basicId, MethodPath.Clean(path).TrimStart('/'));
        }

        var rest = AfterPrefix(path, "v1.0", "invoke");
        if (rest is null)
        {
            return null;
        }

        var marker = rest.IndexOf("/method/", StringComparison.Ordinal);
        if (marker <= 0)
        {
            return null;
        }

        var method = MethodPath.Clean(rest[(marker + "/method/".Length)..]);
        var target = rest[..marker];
        try
        {
            target = Uri.UnescapeDataString(target) is { Length: > 0 } unescaped ? unescaped : target;
        }
        catch (UriFormatException)
        {
            // Not escaped text; use it as it is.
        }

        return new InvocationTarget(target, method == "." ? "" : method, ByUrl: true);
    }

    /// <summary>The request path as Go sees it: the raw request target, query cut off, percent-decoded once.</summary>
    public static string DecodedPath(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw))
        {
            return context.Request.Path.Value ?? "/";
        }

        var query = raw.IndexOf('?');
        if (query >= 0)
        {
            raw = raw[..query];
        }

        // An absolute-form target (a proxy request line) carries scheme and authority before the path.
        if (!raw.StartsWith('/') && Uri.TryCreate(raw, UriKind.Absolute, out var absolute))
        {
            raw = absolute.AbsolutePath;
        }

        return PercentDecode(raw);
    }

    /// <summary>Decodes %XX escapes (as UTF-8); a '%' not followed by two hex digits is kept as it is.</summary>
    public static string PercentDecode(string text)
    {
        if (!text.Contains('%', StringComparison.Ordinal))
        {
            return text;
        }

        var bytes = new List<byte>(text.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && char.IsAsciiHexDigit(text[i + 1]) && char.IsAsciiHexDigit(text[i + 2]))
            {
                bytes.Add(Convert.ToByte(text.Substring(i + 1, 2), 16));
                i += 2;
                continue;
            }

            var length = Encoding.UTF8.GetBytes(text.AsSpan(i, char.IsHighSurrogate(text[i]) && i + 1 < text.Length ? 2 : 1), utf8);
            if (length > 0 && char.IsHighSurrogate(text[i]))
            {
                i++;
            }

            bytes.AddRange(utf8[..length]);
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }

    private static string? BasicAuthAppId(string authorization)
    {
        const string scheme = "Basic ";
        if (!authorization.StartsWith(scheme, StringComparison.Ordinal))
        {
            return null;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(authorization[scheme.Length..]));
        }
        catch (FormatException)
        {
            return null;
        }

        var pair = decoded.Split(':');
        return pair.Length == 2 && pair[0].Equals(AppIdHeader, StringComparison.OrdinalIgnoreCase) ? pair[1] : null;
    }

    // daprd's pathHasPrefix: the path starts with these segments (empty segments ignored); returns what follows.
    private static string? AfterPrefix(string path, params string[] segments)
    {
        var found = 0;
        var start = 0;
        for (var i = 0; i < path.Length; i++)
        {
            if (path[i] != '/')
            {
                if (found >= segments.Length)
                {
                    return path[i..];
                }

                continue;
            }

            if (i - start > 0)
            {
                if (found < segments.Length && path.AsSpan(start, i - start).SequenceEqual(segments[found]))
                {
                    found++;
                }
                else
                {
                    return null;
                }
            }

            start = i + 1;
        }

        return found >= segments.Length ? "" : null;
    }
}
