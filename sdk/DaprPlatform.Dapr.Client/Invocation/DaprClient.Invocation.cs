using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Dapr.Client.Internal;

namespace DaprPlatform.Dapr.Client;

/// <summary>Service invocation over <c>/v1.0/invoke/{appId}/method/{method}</c>.</summary>
public sealed partial class DaprClient
{
    private static readonly HttpRequestOptionsKey<InvocationTarget> InvocationTargetKey = new("DaprPlatform.Dapr.InvocationTarget");

    /// <summary>
    /// A request to <paramref name="methodName"/> on <paramref name="appId"/>. The method may hold a nested path and a
    /// query string (<c>api/products?q=1</c>); daprd passes both to the callee unchanged.
    /// </summary>
    public HttpRequestMessage CreateInvokeMethodRequest(HttpMethod httpMethod, string appId, string methodName)
    {
        ArgumentNullException.ThrowIfNull(httpMethod);
        ArgumentException.ThrowIfNullOrEmpty(appId);
        ArgumentNullException.ThrowIfNull(methodName);

        var method = methodName.TrimStart('/');
        var request = CreateRequest(httpMethod, DaprInvocationPaths.Build(appId, method));
        request.Options.Set(InvocationTargetKey, new InvocationTarget(appId, method));
        return request;
    }

    /// <summary>Like <see cref="CreateInvokeMethodRequest(HttpMethod, string, string)"/> with <paramref name="data"/> as a JSON body.</summary>
    public HttpRequestMessage CreateInvokeMethodRequest<TRequest>(HttpMethod httpMethod, string appId, string methodName, TRequest data)
    {
        var request = CreateInvokeMethodRequest(httpMethod, appId, methodName);
        request.Content = JsonBody.Create(data, JsonSerializerOptions);
        return request;
    }

    /// <summary>Sends an invocation and hands back the raw response, whatever its status. The caller disposes it.</summary>
    public Task<HttpResponseMessage> InvokeMethodWithResponseAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        AddApiToken(request);
        return SendAsync(request, cancellationToken);
    }

    /// <summary>Sends an invocation; a non-2xx answer throws <see cref="DaprInvocationException"/>.</summary>
    public async Task InvokeMethodAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        using var response = await InvokeMethodWithResponseAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureInvocationSucceededAsync(request, response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends an invocation and deserializes the JSON answer; an empty answer (204 or no body) yields <c>default</c>.
    /// A non-2xx answer throws <see cref="DaprInvocationException"/>.
    /// </summary>
    public async Task<TResponse?> InvokeMethodAsync<TResponse>(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        using var response = await InvokeMethodWithResponseAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureInvocationSucceededAsync(request, response, cancellationToken).ConfigureAwait(false);
        if (HasNoContent(response))
        {
            return default;
        }

        try
        {
            return await response.Content.ReadFromJsonAsync<TResponse>(JsonSerializerOptions, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            var target = GetInvocationTarget(request);
            throw new DaprException($"The answer of method '{target.MethodName}' on app '{target.AppId}' is not valid JSON for {typeof(TResponse).Name}.", ex);
        }
    }

    public Task InvokeMethodAsync(string appId, string methodName, CancellationToken cancellationToken = default) =>
        InvokeMethodAsync(HttpMethod.Post, appId, methodName, cancellationToken);

    public Task InvokeMethodAsync(HttpMethod httpMethod, string appId, string methodName, CancellationToken cancellationToken = default) =>
        SendOwnedAsync(CreateInvokeMethodRequest(httpMethod, appId, methodName), cancellationToken);

    public Task InvokeMethodAsync<TRequest>(string appId, string methodName, TRequest data, CancellationToken cancellationToken = default) =>
        InvokeMethodAsync(HttpMethod.Post, appId, methodName, data, cancellationToken);

    public Task InvokeMethodAsync<TRequest>(HttpMethod httpMethod, string appId, string methodName, TRequest data, CancellationToken cancellationToken = default) =>
        SendOwnedAsync(CreateInvokeMethodRequest(httpMethod, appId, methodName, data), cancellationToken);

    public Task<TResponse?> InvokeMethodAsync<TResponse>(string appId, string methodName, CancellationToken cancellationToken = default) =>
        InvokeMethodAsync<TResponse>(HttpMethod.Post, appId, methodName, cancellationToken);

    public Task<TResponse?> InvokeMethodAsync<TResponse>(HttpMethod httpMethod, string appId, string methodName, CancellationToken cancellationToken = default) =>
        SendOwnedAsync<TResponse>(CreateInvokeMethodRequest(httpMethod, appId, methodName), cancellationToken);

    public Task<TResponse?> InvokeMethodAsync<TRequest, TResponse>(string appId, string methodName, TRequest data, CancellationToken cancellationToken = default) =>
        InvokeMethodAsync<TRequest, TResponse>(HttpMethod.Post, appId, methodName, data, cancellationToken);

    public Task<TResponse?> InvokeMethodAsync<TRequest, TResponse>(HttpMethod httpMethod, string appId, string methodName, TRequest data, CancellationToken cancellationToken = default) =>
        SendOwnedAsync<TResponse>(CreateInvokeMethodRequest(httpMethod, appId, methodName, data), cancellationToken);

    private async Task SendOwnedAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            await InvokeMethodAsync(request, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<TResponse?> SendOwnedAsync<TResponse>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            return await InvokeMethodAsync<TResponse>(request, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task EnsureInvocationSucceededAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var target = GetInvocationTarget(request);
            throw await DaprErrors.ReadInvocationExceptionAsync(response, target.AppId, target.MethodName, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Requests not built by <see cref="CreateInvokeMethodRequest(HttpMethod, string, string)"/> are identified from their URL.</summary>
    private static InvocationTarget GetInvocationTarget(HttpRequestMessage request) =>
        request.Options.TryGetValue(InvocationTargetKey, out var target)
            ? target
            : DaprInvocationPaths.TryParse(request.RequestUri) ?? new InvocationTarget(string.Empty, request.RequestUri?.PathAndQuery ?? string.Empty);
}
