namespace DaprPlatform.WebConsole.Components;

/// <summary>Where to go after signing in: only a path on this site, so a crafted link cannot send the user elsewhere.</summary>
public static class LocalReturnUrl
{
    public static string From(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : "/";
}
