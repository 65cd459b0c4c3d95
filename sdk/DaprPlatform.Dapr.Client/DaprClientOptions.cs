using System.Globalization;
using System.Text.Json;

namespace DaprPlatform.Dapr.Client;

/// <summary>
/// Where the Dapr sidecar's HTTP API lives and how to talk to it. Defaults follow the Dapr SDKs:
/// <c>DAPR_HTTP_ENDPOINT</c> wins over <c>DAPR_HTTP_PORT</c>, falling back to <c>http://localhost:3500</c>,
/// and <c>DAPR_API_TOKEN</c> is sent as the <c>dapr-api-token</c> header on every API call.
/// </summary>
public sealed class DaprClientOptions
{
    public const string HttpEndpointVariable = "DAPR_HTTP_ENDPOINT";
    public const string HttpPortVariable = "DAPR_HTTP_PORT";
    public const string ApiTokenVariable = "DAPR_API_TOKEN";
    public const int DefaultHttpPort = 3500;

    /// <summary>Base address of the sidecar HTTP API, e.g. <c>http://localhost:3500</c>.</summary>
    public string HttpEndpoint { get; set; } = GetDefaultHttpEndpoint();

    /// <summary>Token daprd expects in <c>dapr-api-token</c>; <c>null</c> when API auth is off.</summary>
    public string? ApiToken { get; set; } = GetDefaultApiToken();

    /// <summary>Serializer for request and response bodies (state values, event data, invocation payloads).</summary>
    public JsonSerializerOptions JsonSerializerOptions { get; set; } = new(JsonSerializerDefaults.Web);

    /// <summary>How often <see cref="DaprClient.WaitForSidecarAsync(CancellationToken)"/> probes the sidecar.</summary>
    public TimeSpan SidecarPollInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    public static string GetDefaultHttpEndpoint()
    {
        var endpoint = Environment.GetEnvironmentVariable(HttpEndpointVariable);
        if (!string.IsNullOrWhiteSpace(endpoint))
        {
            return endpoint.Trim();
        }

        var port = Environment.GetEnvironmentVariable(HttpPortVariable);
        if (!string.IsNullOrWhiteSpace(port) && int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            return string.Create(CultureInfo.InvariantCulture, $"http://localhost:{parsed}");
        }

        return string.Create(CultureInfo.InvariantCulture, $"http://localhost:{DefaultHttpPort}");
    }

    public static string? GetDefaultApiToken()
    {
        var token = Environment.GetEnvironmentVariable(ApiTokenVariable);
        return string.IsNullOrEmpty(token) ? null : token;
    }

    /// <summary>The endpoint as an absolute URI without a trailing slash, validated once per client.</summary>
    internal Uri GetHttpEndpointUri()
    {
        if (!Uri.TryCreate(HttpEndpoint?.TrimEnd('/'), UriKind.Absolute, out var uri)
            || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new InvalidOperationException(
                $"The Dapr HTTP endpoint '{HttpEndpoint}' is not an absolute http(s) URI. Set {HttpEndpointVariable} or {nameof(HttpEndpoint)}.");
        }

        return uri;
    }
}
