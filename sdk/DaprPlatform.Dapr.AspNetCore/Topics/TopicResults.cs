using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprPlatform.Dapr.AspNetCore;

/// <summary>
/// TypedResults for subscribed handlers. daprd reads the status of a 200 answer: SUCCESS acks, RETRY redelivers,
/// DROP discards (or dead-letters). Declare handlers as returning <see cref="Ok{TopicResponse}"/>.
/// </summary>
public static class TopicResults
{
    public static Ok<TopicResponse> Success() => TypedResults.Ok(TopicResponse.Success);

    public static Ok<TopicResponse> Retry() => TypedResults.Ok(TopicResponse.Retry);

    public static Ok<TopicResponse> Drop() => TypedResults.Ok(TopicResponse.Drop);
}
