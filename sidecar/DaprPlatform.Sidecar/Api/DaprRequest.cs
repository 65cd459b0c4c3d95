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

    /// <summary>
    /// Reads the body as daprd decodes it into its Go request type (<see cref="GoJson"/>), and binds it with
    /// <paramref name="bind"/> while the parsed JSON is alive. JSON that does not parse, or a value of a type the Go
    /// struct cannot hold, is <paramref name="error"/> with the reason, as each daprd route words it.
    /// </summary>
    public static async Task<T> ReadJsonAsync<T>(
        HttpRequest request, Func<string, DaprError> error, Func<JsonElement, T> bind, CancellationToken cancellationToken)
    {
        var body = await RequestBody.ReadAllAsync(request, cancellationToken);
        using var document = GoJson.Parse(body, error);
        try
        {
            return bind(document.RootElement);
        }
        catch (GoJsonTypeException e)
        {
            throw error(e.Message).ToException();
        }
    }
}
