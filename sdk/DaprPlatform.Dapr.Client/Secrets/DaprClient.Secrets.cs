using System.Net.Http.Json;
using System.Text.Json.Serialization.Metadata;
using DaprPlatform.Dapr.Client.Internal;

namespace DaprPlatform.Dapr.Client;

/// <summary>Secrets over <c>/v1.0/secrets/{store}</c>.</summary>
public sealed partial class DaprClient
{
    /// <summary>
    /// Reads one secret. Name/value stores answer <c>{"key":"value"}</c>; multi-valued stores (Kubernetes,
    /// local.file with <c>multiValued</c>) answer every field of the secret. Empty when daprd answers 204.
    /// </summary>
    public Task<Dictionary<string, string>> GetSecretAsync(
        string storeName,
        string key,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(storeName);
        ArgumentException.ThrowIfNullOrEmpty(key);
        return GetSecretsCoreAsync($"/v1.0/secrets/{Escape(storeName)}/{Escape(key)}", metadata, DaprJsonContext.Default.DictionaryStringString, cancellationToken);
    }

    /// <summary>Reads every secret the app may see: secret name → its fields (scoping-denied secrets are silently left out by daprd).</summary>
    public Task<Dictionary<string, Dictionary<string, string>>> GetBulkSecretAsync(
        string storeName,
        IReadOnlyDictionary<string, string>? metadata = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(storeName);
        return GetSecretsCoreAsync($"/v1.0/secrets/{Escape(storeName)}/bulk", metadata, DaprJsonContext.Default.DictionaryStringDictionaryStringString, cancellationToken);
    }

    private async Task<T> GetSecretsCoreAsync<T>(string path, IReadOnlyDictionary<string, string>? metadata, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : new()
    {
        var query = new QueryStringBuilder();
        query.AddMetadata(metadata);

        using var request = CreateRequest(HttpMethod.Get, path + query);
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await DaprErrors.ReadApiExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }

        return HasNoContent(response)
            ? new T()
            : await response.Content.ReadFromJsonAsync(typeInfo, cancellationToken).ConfigureAwait(false) ?? new T();
    }
}
