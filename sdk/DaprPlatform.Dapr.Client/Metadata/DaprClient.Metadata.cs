using System.Net.Http.Json;
using DaprPlatform.Dapr.Client.Internal;

namespace DaprPlatform.Dapr.Client;

/// <summary>Sidecar metadata over <c>/v1.0/metadata</c>.</summary>
public sealed partial class DaprClient
{
    public async Task<DaprMetadata> GetMetadataAsync(CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(HttpMethod.Get, "/v1.0/metadata");
        using var response = await SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            throw await DaprErrors.ReadApiExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }

        return await response.Content.ReadFromJsonAsync(DaprJsonContext.Default.DaprMetadata, cancellationToken).ConfigureAwait(false)
            ?? throw new DaprException("The Dapr sidecar answered GET /v1.0/metadata with an empty body.");
    }

    /// <summary>Sets a custom attribute; it shows up under <see cref="DaprMetadata.Extended"/>.</summary>
    public Task SetMetadataAsync(string attributeName, string attributeValue, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(attributeName);
        ArgumentNullException.ThrowIfNull(attributeValue);

        // daprd stores the raw body text as the value.
        var body = JsonBody.Bytes(System.Text.Encoding.UTF8.GetBytes(attributeValue), DaprHeaders.TextPlain);
        return SendExpectingSuccessAsync(CreateRequest(HttpMethod.Put, $"/v1.0/metadata/{Escape(attributeName)}", body), cancellationToken);
    }
}
