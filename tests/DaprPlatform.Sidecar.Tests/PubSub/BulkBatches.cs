using System.Text.Json;

namespace DaprPlatform.Sidecar.Tests.PubSub;

/// <summary>Reading bulk deliveries (the envelope daprd posts) and answering them entry by entry.</summary>
internal static class BulkBatches
{
    public static IReadOnlyList<JsonElement> Entries(this ReceivedEvent batch) =>
        batch.Json.GetProperty("entries").EnumerateArray().ToList();

    /// <summary>The <c>data.n</c> of every entry's CloudEvent, in order.</summary>
    public static IReadOnlyList<int> Numbers(this ReceivedEvent batch) =>
        batch.Entries().Select(Number).ToList();

    public static int Number(JsonElement entry) => entry.GetProperty("event").GetProperty("data").GetProperty("n").GetInt32();

    /// <summary>A 200 answer with a status per entry as <paramref name="statusOf"/> says; null leaves the entry out.</summary>
    public static AppAnswer Answer(ReceivedEvent batch, Func<JsonElement, string?> statusOf)
    {
        var statuses = batch.Entries()
            .Select(e => (Id: e.GetProperty("entryId").GetString()!, Status: statusOf(e)))
            .Where(s => s.Status is not null)
            .Select(s => new Dictionary<string, string> { ["entryId"] = s.Id, ["status"] = s.Status! })
            .ToList();
        return new AppAnswer(200, JsonSerializer.Serialize(new Dictionary<string, object> { ["statuses"] = statuses }));
    }

    public static string Subscription(string topic, string route, int maxMessagesCount, int maxAwaitDurationMs, string? deadLetterTopic = null)
    {
        var deadLetter = deadLetterTopic is null ? "" : $",\"deadLetterTopic\":\"{deadLetterTopic}\"";
        var bulk = $"{{\"enabled\":true,\"maxMessagesCount\":{maxMessagesCount},\"maxAwaitDurationMs\":{maxAwaitDurationMs}}}";
        return $"{{\"pubsubname\":\"pubsub\",\"topic\":\"{topic}\",\"route\":\"{route}\"{deadLetter},\"bulkSubscribe\":{bulk}}}";
    }
}
