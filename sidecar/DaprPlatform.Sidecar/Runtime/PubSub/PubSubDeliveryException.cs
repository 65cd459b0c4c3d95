using DaprPlatform.Sidecar.Runtime.Resiliency;

namespace DaprPlatform.Sidecar.Runtime.PubSub;

/// <summary>
/// A delivery to the app that should be tried again: the app answered RETRY, an unknown status or a non-2xx status
/// other than 404, or could not be reached. Thrown inside the component's inbound resiliency policy, which can
/// match on <see cref="StatusCode"/>; once the policy gives up, the event is dead-lettered or nacked.
/// </summary>
public class PubSubDeliveryException(string message, int? statusCode = null) : Exception(message)
{
    /// <summary>The app's HTTP status, when it answered with one that is not 2xx.</summary>
    public int? StatusCode { get; } = statusCode;
}

/// <summary>The app answered a delivery with a status that is retriable; a policy's <c>matching.httpStatusCodes</c> sees it.</summary>
public sealed class PubSubAppStatusException(string message, int statusCode) : PubSubDeliveryException(message, statusCode), IStatusCodeFailure
{
    int IStatusCodeFailure.StatusCode => statusCode;
}

/// <summary>The app dropped an event (DROP or 404) and forwarding it to the dead-letter topic failed.</summary>
public sealed class PubSubMessageDroppedException(string message, Exception? inner = null) : Exception(message, inner);
