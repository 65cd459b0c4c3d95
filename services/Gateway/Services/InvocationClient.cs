using DaprPlatform.Gateway.Infrastructure;
using Microsoft.Net.Http.Headers;

namespace DaprPlatform.Gateway.Services;

/// <summary>
/// Calls another app by its Dapr app id through the gateway's sidecar (Dapr.Client's invocation handler), on behalf of
/// the caller: their Authorization and the request id go along, so each service still decides what the user may see.
/// </summary>
public sealed class InvocationClient(HttpClient http)
{
    public async Task<HttpResponseMessage> GetAsync(string appId, string path, HttpRequest caller, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{appId}/{path}");
        if (caller.Headers.Authorization is { Count: > 0 } authorization)
        {
            request.Headers.TryAddWithoutValidation(HeaderNames.Authorization, (IEnumerable<string?>)authorization);
        }

        request.Headers.TryAddWithoutValidation(RequestIdMiddleware.HeaderName, caller.Headers[RequestIdMiddleware.HeaderName].ToString());
        return await http.SendAsync(request, ct);
    }
}
