namespace DaprPlatform.Sidecar.Components.State;

/// <summary>
/// daprd's key scheme: the stored key is <c>{prefix}||{key}</c>, where the component's <c>keyPrefix</c> metadata
/// picks the prefix (appid by default, name, namespace, none, or a literal).
/// </summary>
public sealed class StateKeys
{
    public const string Separator = "||";

    private readonly string? _prefix;

    public StateKeys(string? keyPrefixSetting, string appId, string storeName, string? @namespace)
    {
        // daprd lowercases the setting, so "AppID" means appid and a literal prefix is stored in lower case.
        _prefix = (keyPrefixSetting ?? "appid").ToLowerInvariant() switch
        {
            "" or "appid" => string.IsNullOrEmpty(appId) ? null : appId,
            "name" => storeName,
            "namespace" => string.IsNullOrEmpty(@namespace) ? appId : $"{@namespace}.{appId}",
            "none" => null,
            var literal when literal.Contains(Separator, StringComparison.Ordinal) =>
                throw new ArgumentException($"keyPrefix '{literal}' can't contain '||'"),
            var literal => literal,
        };
    }

    public string ToStoreKey(string key) => _prefix is null ? key : string.Concat(_prefix, Separator, key);

    /// <summary>The key as the app knows it: the part after the first separator.</summary>
    public static string ToAppKey(string storeKey)
    {
        var i = storeKey.IndexOf(Separator, StringComparison.Ordinal);
        return i < 0 ? storeKey : storeKey[(i + Separator.Length)..];
    }
}
