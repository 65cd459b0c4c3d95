using DaprPlatform.Dapr.Client.Internal;

namespace DaprPlatform.Dapr.Client;

/// <summary>
/// Lets an ordinary <see cref="HttpClient"/> address apps by id: <c>http://catalog/api/products?q=1</c> is sent to
/// <c>{sidecar}/v1.0/invoke/catalog/method/api/products?q=1</c>. Method, headers and body stream through untouched;
/// the API token is added. Responses are returned as-is (use <see cref="DaprInvocationResponseExtensions.EnsureInvocationSucceededAsync"/>
/// for a typed failure). Register with <c>services.AddHttpClient("catalog").AddDaprInvocation()</c>.
/// </summary>
public sealed class DaprInvocationHandler : DelegatingHandler
{
    private readonly string _baseAddress;
    private readonly string? _apiToken;

    public DaprInvocationHandler(DaprClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _baseAddress = options.GetHttpEndpointUri().GetLeftPart(UriPartial.Path).TrimEnd('/');
        _apiToken = string.IsNullOrEmpty(options.ApiToken) ? null : options.ApiToken;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Rewrite(request);
        return base.SendAsync(request, cancellationToken);
    }

    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Rewrite(request);
        return base.Send(request, cancellationToken);
    }

    private void Rewrite(HttpRequestMessage request)
    {
        var uri = request.RequestUri;
        if (uri is null || !uri.IsAbsoluteUri)
        {
            throw new InvalidOperationException(
                "A Dapr invocation request needs an absolute URI whose host is the target app id, e.g. http://catalog/api/products.");
        }

        // Uri normalizes hosts to lower case, so app ids addressed this way are lower case (as Kubernetes requires anyway).
        request.RequestUri = new Uri(_baseAddress + DaprInvocationPaths.Build(uri.Host, uri.PathAndQuery));

        if (_apiToken is not null)
        {
            request.Headers.Remove(DaprHeaders.ApiToken);
            request.Headers.TryAddWithoutValidation(DaprHeaders.ApiToken, _apiToken);
        }
    }
}
