using DaprPlatform.Dapr.Client.Internal;

namespace DaprPlatform.Dapr.Client;

public static class DaprInvocationResponseExtensions
{
    /// <summary>
    /// Throws <see cref="DaprInvocationException"/> (with parsed problem details or the sidecar's error) when an
    /// invocation made through <see cref="DaprInvocationHandler"/> did not succeed.
    /// </summary>
    public static async Task EnsureInvocationSucceededAsync(this HttpResponseMessage response, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var target = DaprInvocationPaths.TryParse(response.RequestMessage?.RequestUri)
            ?? new InvocationTarget(response.RequestMessage?.RequestUri?.Host ?? string.Empty, response.RequestMessage?.RequestUri?.PathAndQuery ?? string.Empty);
        throw await DaprErrors.ReadInvocationExceptionAsync(response, target.AppId, target.MethodName, cancellationToken).ConfigureAwait(false);
    }
}
