using System.Net;
using System.Net.Http.Headers;
using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Runtime.Resiliency;

namespace DaprPlatform.Sidecar.Runtime.PubSub;

/// <summary>
/// Asks the app for its subscriptions (<c>GET /dapr/subscribe</c>) the way daprd's GetSubscriptionsHTTP does:
/// Content-Type application/json and Dapr-App-Id headers, transport failures retried under the built-in policy
/// DaprBuiltInInitializationRetries, 404 meaning "none", any other non-200 logged and treated as none.
/// </summary>
public sealed partial class ProgrammaticSubscriptionClient(
    AppChannel channel, SidecarOptions options, IResiliencyProvider resiliency, ILogger<ProgrammaticSubscriptionClient> logger)
{
    public const string SubscribePath = "/dapr/subscribe";

    /// <exception cref="FormatException">The app answered 200 with a body that is not a valid subscription list.</exception>
    /// <exception cref="HttpRequestException">The app could not be reached, also after the built-in retries.</exception>
    public Task<IReadOnlyList<AppSubscription>> GetAsync(CancellationToken ct) =>
        resiliency.BuiltIn(BuiltInRetries.InitializationRetries).ExecuteAsync(async attempt =>
        {
            try
            {
                return await GetOnceAsync(attempt);
            }
            catch (FormatException e)
            {
                // An answer that does not parse will not parse better the next time.
                throw new InvalidSubscriptionsException(e);
            }
        }, ct);

    private async Task<IReadOnlyList<AppSubscription>> GetOnceAsync(CancellationToken ct)
    {
        using var request = channel.CreateRequest(HttpMethod.Get, SubscribePath);
        request.Content = new ByteArrayContent([]);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation("dapr-app-id", options.AppId);

        using var response = await channel.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        switch (response.StatusCode)
        {
            case HttpStatusCode.OK:
                var body = await response.Content.ReadAsByteArrayAsync(ct);
                var subscriptions = SubscribeResponseParser.Parse(body, out var withoutRoutes);
                foreach (var topic in withoutRoutes)
                {
                    LogEmptyRoutes(logger, topic);
                }

                return subscriptions;
            case HttpStatusCode.NotFound:
                LogNoSubscriptions(logger);
                return [];
            default:
                LogUnexpectedStatus(logger, (int)response.StatusCode);
                return [];
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "topic {Topic} has an empty routes. removing from subscriptions list")]
    private static partial void LogEmptyRoutes(ILogger logger, string topic);

    [LoggerMessage(Level = LogLevel.Debug, Message = "user app did not subscribe to any topic")]
    private static partial void LogNoSubscriptions(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "app returned http status code {Status} from subscription endpoint")]
    private static partial void LogUnexpectedStatus(ILogger logger, int status);
}

/// <summary>The app's subscription list does not parse; never retried.</summary>
public sealed class InvalidSubscriptionsException(FormatException inner) : Exception(inner.Message, inner), IPermanentFailure;
