using DaprPlatform.Sidecar.Components;
using DaprPlatform.Sidecar.Components.Secrets;
using DaprPlatform.Sidecar.Resources;
using DaprPlatform.Sidecar.Runtime;

namespace DaprPlatform.Sidecar.Api;

/// <summary>daprd's secrets API: /v1.0/secrets/{store}/{key} and /v1.0/secrets/{store}/bulk, with secret scopes.</summary>
public static class SecretsEndpoints
{
    public static void MapSecretsApi(this RouteGroupBuilder v1)
    {
        v1.MapGet("/secrets/{storeName}/bulk", BulkAsync);
        v1.MapGet("/secrets/{storeName}/{key}", GetAsync);
    }

    private static async Task<IResult> GetAsync(
        string storeName, string key, HttpRequest request, ComponentRegistry components, LoadedResources resources,
        ComponentCalls calls, CancellationToken ct)
    {
        var store = Resolve(components, storeName);
        if (!IsAllowed(resources.Configuration, storeName, key))
        {
            throw DaprErrors.SecretPermissionDenied(key, storeName).ToException();
        }

        IReadOnlyDictionary<string, string> secret;
        try
        {
            var metadata = DaprRequest.QueryMetadata(request);
            secret = await calls.SecretAsync(storeName, ComponentOperations.Get, t => store.Store.GetSecretAsync(key, metadata, t), ct);
        }
        catch (Exception e) when (e is not (OperationCanceledException or DaprErrorException))
        {
            throw DaprErrors.SecretGet(key, storeName, e.Message).ToException();
        }

        return TypedResults.Json(secret, SecretsJsonContext.Default.IReadOnlyDictionaryStringString);
    }

    private static async Task<IResult> BulkAsync(
        string storeName, HttpRequest request, ComponentRegistry components, LoadedResources resources,
        ComponentCalls calls, CancellationToken ct)
    {
        var store = Resolve(components, storeName);
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> secrets;
        try
        {
            var metadata = DaprRequest.QueryMetadata(request);
            secrets = await calls.SecretAsync(storeName, ComponentOperations.BulkGet, t => store.Store.GetBulkSecretAsync(metadata, t), ct);
        }
        catch (Exception e) when (e is not (OperationCanceledException or DaprErrorException))
        {
            throw DaprErrors.SecretBulkGet(storeName, e.Message).ToException();
        }

        // daprd silently leaves out what the scopes deny.
        var allowed = secrets.Where(s => IsAllowed(resources.Configuration, storeName, s.Key)).ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        return TypedResults.Json(allowed, SecretsJsonContext.Default.DictionaryStringIReadOnlyDictionaryStringString);
    }

    internal static SecretStoreEntry Resolve(ComponentRegistry components, string storeName)
    {
        if (components.SecretStores.Count == 0)
        {
            throw DaprErrors.SecretStoresNotConfigured().ToException();
        }

        return components.SecretStores.TryGetValue(storeName, out var store)
            ? store
            : throw DaprErrors.SecretStoreNotFound(storeName).ToException();
    }

    /// <summary>Configuration <c>spec.secrets.scopes</c>: an allow list wins, then the deny list, then the default.</summary>
    internal static bool IsAllowed(ConfigurationResource configuration, string storeName, string key)
    {
        var scope = configuration.SecretScopes.FirstOrDefault(s => s.StoreName == storeName);
        if (scope is null)
        {
            return true;
        }

        if (scope.AllowedSecrets.Count > 0)
        {
            return scope.AllowedSecrets.Contains(key);
        }

        if (scope.DeniedSecrets.Contains(key))
        {
            return false;
        }

        return scope.DefaultAccess != "deny";
    }
}
