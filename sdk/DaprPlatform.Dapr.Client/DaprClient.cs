using System.Net;
using System.Text.Json;
using DaprPlatform.Dapr.Client.Internal;

namespace DaprPlatform.Dapr.Client;

/// <summary>
/// Client for the Dapr sidecar's HTTP API (daprd routes, headers and status codes as-is). One instance is meant
/// to live for the whole application: it sits on a single pooled <see cref="HttpClient"/> and is thread-safe.
/// Register it with <c>services.AddDaprClient()</c> or build one with <see cref="Create"/>.
/// </summary>
public sealed partial class DaprClient : IDisposable
{
    /// <summary>Name of the <see cref="IHttpClientFactory"/> client that <c>AddDaprClient</c> registers.</summary>
    public const string HttpClientName = "DaprPlatform.Dapr";

    private readonly HttpClient _httpClient;
    private readonly bool _ownsHttpClient;
    private readonly string _baseAddress;
    private readonly string? _apiToken;
    private readonly TimeSpan _sidecarPollInterval;

    /// <summary>Uses <paramref name="httpClient"/> as-is (its base address is ignored; the sidecar address comes from <paramref name="options"/>).</summary>
    public DaprClient(HttpClient httpClient, DaprClientOptions options)
        : this(httpClient, options, ownsHttpClient: false)
    {
    }

    private DaprClient(HttpClient httpClient, DaprClientOptions options, bool ownsHttpClient)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentNullException.ThrowIfNull(options);

        var endpoint = options.GetHttpEndpointUri();
        _httpClient = httpClient;
        _ownsHttpClient = ownsHttpClient;
        _baseAddress = endpoint.GetLeftPart(UriPartial.Path).TrimEnd('/');
        _apiToken = string.IsNullOrEmpty(options.ApiToken) ? null : options.ApiToken;
        _sidecarPollInterval = options.SidecarPollInterval > TimeSpan.Zero ? options.SidecarPollInterval : TimeSpan.FromMilliseconds(100);
        HttpEndpoint = endpoint;
        JsonSerializerOptions = options.JsonSerializerOptions ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
    }

    /// <summary>The sidecar HTTP endpoint this client talks to.</summary>
    public Uri HttpEndpoint { get; }

    /// <summary>Serializer used for state values, event data and invocation payloads.</summary>
    public JsonSerializerOptions JsonSerializerOptions { get; }

    /// <summary>
    /// Builds a stand-alone client that owns its connection pool (for code without dependency injection, such as
    /// configuration providers). Dispose it when done.
    /// </summary>
    public static DaprClient Create(DaprClientOptions? options = null) =>
        new(new HttpClient(DaprHttpMessageHandlerFactory.Create(), disposeHandler: true), options ?? new DaprClientOptions(), ownsHttpClient: true);

    public void Dispose()
    {
        if (_ownsHttpClient)
        {
            _httpClient.Dispose();
        }
    }

    private HttpRequestMessage CreateRequest(HttpMethod method, string pathAndQuery, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(method, _baseAddress + pathAndQuery) { Content = content };
        AddApiToken(request);
        return request;
    }

    private void AddApiToken(HttpRequestMessage request)
    {
        if (_apiToken is not null)
        {
            request.Headers.Remove(DaprHeaders.ApiToken);
            request.Headers.TryAddWithoutValidation(DaprHeaders.ApiToken, _apiToken);
        }
    }

    /// <summary>Headers-read completion lets typed reads stream straight from the socket.</summary>
    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _httpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);

    private async Task SendExpectingSuccessAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        using (var response = await SendAsync(request, cancellationToken).ConfigureAwait(false))
        {
            if (!response.IsSuccessStatusCode)
            {
                throw await DaprErrors.ReadApiExceptionAsync(response, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static bool HasNoContent(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0;

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    /// <summary>Topics may contain '/' (daprd routes the topic as a wildcard), so each segment is escaped on its own.</summary>
    private static string EscapePath(string path) => string.Join('/', path.Split('/').Select(Uri.EscapeDataString));
}
