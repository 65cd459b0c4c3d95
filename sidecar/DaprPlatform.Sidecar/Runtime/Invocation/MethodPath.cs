using System.Text;

namespace DaprPlatform.Sidecar.Runtime.Invocation;

/// <summary>Method names of service invocation: Go's path.Clean, daprd's NormalizeMethod and URL escaping.</summary>
public static class MethodPath
{
    /// <summary>Go's path.Clean: single slashes, no "." elements, ".." resolved, no trailing slash, "." for empty.</summary>
    public static string Clean(string path)
    {
        if (path.Length == 0)
        {
            return ".";
        }

        if (IsClean(path))
        {
            return path;
        }

        var rooted = path[0] == '/';
        var kept = new List<string>();
        foreach (var element in path.Split('/'))
        {
            switch (element)
            {
                case "" or ".":
                    break;
                case "..":
                    if (kept.Count > 0 && kept[^1] != "..")
                    {
                        kept.RemoveAt(kept.Count - 1);
                    }
                    else if (!rooted)
                    {
                        kept.Add("..");
                    }

                    break;
                default:
                    kept.Add(element);
                    break;
            }
        }

        var cleaned = (rooted ? "/" : "") + string.Join('/', kept);
        return cleaned.Length == 0 ? "." : cleaned;
    }

    // Already what Clean would return (the usual method name): no empty, "." or ".." element, no trailing slash.
    private static bool IsClean(string path)
    {
        if (path == "/")
        {
            return true;
        }

        var start = path[0] == '/' ? 1 : 0;
        while (true)
        {
            var end = path.IndexOf('/', start);
            var element = end < 0 ? path.AsSpan(start) : path.AsSpan(start, end - start);
            if (element is "" or "." or "..")
            {
                return false;
            }

            if (end < 0)
            {
                return true;
            }

            start = end + 1;
        }
    }

    /// <summary>
    /// daprd's NormalizeMethod: rejects '#', '?', NUL and control characters, resolves traversal, and never lets
    /// ".." escape the app's root. The result has no leading slash ("" for the root).
    /// </summary>
    public static bool TryNormalize(string method, out string normalized, out string problem)
    {
        normalized = "";
        if (method.AsSpan().IndexOfAny("#?\0") >= 0)
        {
            problem = $"method contains forbidden character: \"{method}\"";
            return false;
        }

        for (var i = 0; i < method.Length; i++)
        {
            if (method[i] < 0x20 || method[i] == 0x7f)
            {
                problem = $"method contains control character at position {i}: \"{method}\"";
                return false;
            }
        }

        var cleaned = Clean(method);
        while (cleaned.StartsWith("../", StringComparison.Ordinal))
        {
            cleaned = cleaned[3..];
        }

        normalized = cleaned is ".." or "." ? "" : cleaned;
        problem = "";
        return true;
    }

    /// <summary>Escapes a decoded path for a request URL, leaving '/' and the characters Go leaves in paths.</summary>
    public static string Escape(string path)
    {
        var needs = false;
        foreach (var c in path)
        {
            if (!IsPathSafe(c))
            {
                needs = true;
                break;
            }
        }

        if (!needs)
        {
            return path;
        }

        var output = new StringBuilder(path.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < path.Length; i++)
        {
            var c = path[i];
            if (IsPathSafe(c))
            {
                output.Append(c);
                continue;
            }

            var length = char.IsHighSurrogate(c) && i + 1 < path.Length
                ? Encoding.UTF8.GetBytes(path.AsSpan(i++, 2), utf8)
                : Encoding.UTF8.GetBytes(path.AsSpan(i, 1), utf8);
            foreach (var b in utf8[..length])
            {
                output.Append('%').Append(HexUpper[b >> 4]).Append(HexUpper[b & 0xf]);
            }
        }

        return output.ToString();
    }

    private const string HexUpper = "0123456789ABCDEF";

    private static bool IsPathSafe(char c) =>
        char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~' or '/' or '!' or '$' or '&' or '\'' or '(' or ')'
            or '*' or '+' or ',' or ';' or '=' or ':' or '@';
}
