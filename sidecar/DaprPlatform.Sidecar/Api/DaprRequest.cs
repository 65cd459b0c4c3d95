using System.Text.Json;

namespace DaprPlatform.Sidecar.Api;

/// <summary>Reading the parts of an API request that every route shares: query metadata and JSON bodies.</summary>
public static class DaprRequest
{
    public const string MetadataPrefix = "metadata.";

    /// <summary>Query parameters <c>metadata.k=v</c>, as daprd's getMetadataFromRequest collects them.</summary>
    public static Dictionary<string, string> QueryMetadata(HttpRequest request)
    {
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in request.Query)
        {
            if (key.StartsWith(MetadataPrefix, StringComparison.Ordinal) && key.Length > MetadataPrefix.Length)
            {
                metadata[key[MetadataPrefix.Length..]] = value.ToString();
            }
        }

        return metadata;
    }

    /// <summary>Parses the body as JSON; an unreadable or malformed body is a 400 like daprd's.</summary>
    public static async Task<JsonDocument> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await JsonDocument.ParseAsync(request.Body, default, cancellationToken);
        }
        catch (JsonException e)
        {
            throw DaprErrors.Malformed($"failed to parse JSON request body: {e.Message}").ToException();
        }
    }
}
