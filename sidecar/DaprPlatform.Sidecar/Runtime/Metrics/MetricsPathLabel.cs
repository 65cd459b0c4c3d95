namespace DaprPlatform.Sidecar.Runtime.Metrics;

/// <summary>
/// The <c>path</c> label of daprd's HTTP server metrics with its default increasedCardinality setting: the request
/// path with state keys, secret names, actor ids and workflow instance ids cut off or replaced by placeholders, so
/// the label stays bounded by stores and types rather than by data (daprd's convertPathToMetricLabel).
/// </summary>
public static class MetricsPathLabel
{
    public static string From(string path)
    {
        if (path.Length == 0)
        {
            return path;
        }

        path = Normalize(path);
        if (!HasDataInPath(path))
        {
            return path;
        }

        var parts = path[1..].Split('/', 6);
        if (parts.Length < 3)
        {
            return path;
        }

        if (parts[0] == "actors")
        {
            parts[2] = "{id}";
            return string.Join('/', parts);
        }

        switch (parts[1])
        {
            case "state" or "secrets":
                return "/" + string.Join('/', parts[..3]);
            case "actors":
                if (parts.Length < 5)
                {
                    return path;
                }

                parts[3] = "{id}";
                return "/" + string.Join('/', parts[..5]);
            case "workflows":
                return WorkflowLabel(path, parts);
            default:
                return path;
        }
    }

    // Only actor, state, secret and workflow paths carry data to cut off; every other path is its own label (the
    // check runs on every request, so it looks at the first two segments without splitting the path).
    private static bool HasDataInPath(string path)
    {
        var rest = path.AsSpan(1);
        var firstEnd = rest.IndexOf('/');
        if (firstEnd < 0)
        {
            return false;
        }

        var afterFirst = rest[(firstEnd + 1)..];
        var secondEnd = afterFirst.IndexOf('/');
        if (secondEnd < 0)
        {
            return false;
        }

        return rest[..firstEnd] is "actors" || afterFirst[..secondEnd] is "state" or "secrets" or "actors" or "workflows";
    }

    private static string WorkflowLabel(string path, string[] parts)
    {
        if (parts.Length < 4)
        {
            return path;
        }

        if (parts.Length == 4)
        {
            parts[3] = "{instanceId}";
            return "/" + string.Join('/', parts[..4]);
        }

        if (parts.Length == 5 && parts[4].StartsWith("start", StringComparison.Ordinal))
        {
            return "/" + string.Join('/', parts[..4]) + "/start";
        }

        parts[3] = "{instanceId}";
        if (parts.Length == 6 && parts[4] == "raiseEvent" && parts[5].Length > 0)
        {
            parts[5] = "{eventName}";
            return "/" + string.Join('/', parts);
        }

        return "/" + string.Join('/', parts[..5]);
    }

    private static string Normalize(string path)
    {
        while (path.Contains("//", StringComparison.Ordinal))
        {
            path = path.Replace("//", "/", StringComparison.Ordinal);
        }

        return path.StartsWith('/') ? path : "/" + path;
    }
}
