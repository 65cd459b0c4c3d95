using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.IntegrationEvents;
using DaprPlatform.Notifications.Apis;
using DaprPlatform.Notifications.Events;
using DaprPlatform.Notifications.Model;

namespace DaprPlatform.Notifications.Tests;

/// <summary>
/// Dead letters as the sidecar delivers them to the raw-payload subscription (the original CloudEvent, base64 in an
/// envelope of the sidecar's own), and the admin's list. Redrives that reach a broker are in <see cref="LiveDeadLetterFlowTests"/>;
/// here the sidecar is unreachable.
/// </summary>
public sealed class DeadLetterTests(NotificationsApp app) : IClassFixture<NotificationsApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_dead_letter_delivered_twice_is_kept_once_with_its_original_topic_and_data()
    {
        var cancelled = new OrderCancelled(Guid.NewGuid(), "order-dl-1", Guid.NewGuid().ToString(), "out of stock", DateTimeOffset.UtcNow);
        var original = CloudEvents.Envelope(Topics.OrderCancelled, cancelled);

        await DeadLetterAsync(original);
        await DeadLetterAsync(original);

        var letter = await FindAsync(cancelled.EventId.ToString());
        Assert.Equal(
            (Topics.OrderCancelled, DeadLetterStatus.Pending, 1, (DateTimeOffset?)null),
            (letter.OriginalTopic, letter.Status, letter.AttemptCount, letter.RedrivenAt));
        Assert.Equal(JsonDocument.Parse(original).RootElement.GetProperty("id").GetString(), letter.CloudEventId);
        Assert.Equal(cancelled, letter.Payload.Deserialize<OrderCancelled>(JsonSerializerOptions.Web));
    }

    [Fact]
    public async Task The_same_event_dead_lettered_again_under_a_new_cloud_event_counts_one_more_attempt_on_its_row()
    {
        var confirmed = new OrderConfirmed(Guid.NewGuid(), "order-dl-2", Guid.NewGuid().ToString(), [], 5m, DateTimeOffset.UtcNow);

        await DeadLetterAsync(CloudEvents.Envelope(Topics.OrderConfirmed, confirmed));
        var second = CloudEvents.Envelope(Topics.OrderConfirmed, confirmed);
        await DeadLetterAsync(second);

        var letter = await FindAsync(confirmed.EventId.ToString());
        Assert.Equal((2, DeadLetterStatus.Pending), (letter.AttemptCount, letter.Status));
        Assert.Equal(JsonDocument.Parse(second).RootElement.GetProperty("id").GetString(), letter.CloudEventId);
    }

    [Fact]
    public async Task An_unreadable_payload_is_kept_under_its_cloud_event_id()
    {
        var cloudEventId = Guid.NewGuid().ToString();

        await DeadLetterAsync(CloudEvents.Envelope(Topics.OrderConfirmed, new { eventId = new[] { 1 } }, cloudEventId));

        var letter = await FindAsync(cloudEventId);
        Assert.Equal(Topics.OrderConfirmed, letter.OriginalTopic);
        Assert.Equal(JsonValueKind.Array, letter.Payload.GetProperty("eventId").ValueKind);
    }

    [Theory]
    [InlineData("not json at all")]
    [InlineData("""{"specversion":"1.0","id":"x","data":{}}""")]
    [InlineData("""{"specversion":"1.0","topic":"order.confirmed","data":{}}""")]
    public async Task A_dead_letter_that_is_no_cloud_event_with_an_id_a_topic_and_data_is_dropped(string message)
    {
        var before = await ListAsync("/notifications/dead-letters?pageSize=100");

        using var response = await app.Anonymous.PostAsync(
            "/events/dead-letters", CloudEvents.Content(CloudEvents.RawPayloadEnvelope(message, IntegrationEventsApi.DeadLetterTopic)), Ct);

        await NotificationsApp.AssertDroppedAsync(response);
        Assert.Equal(before.Total, (await ListAsync("/notifications/dead-letters?pageSize=100")).Total);
    }

    [Fact]
    public async Task The_list_puts_pending_letters_first_and_filters_by_status()
    {
        var key = Guid.NewGuid().ToString();
        await DeadLetterAsync(CloudEvents.Envelope(Topics.UserRegistered, new { eventId = key }));

        var all = await ListAsync("/notifications/dead-letters?pageSize=100");
        var pending = await ListAsync("/notifications/dead-letters?status=pending&pageSize=100");
        var redriven = await ListAsync("/notifications/dead-letters?status=Redriven");

        Assert.Contains(all.Items, d => d.MessageKey == key);
        Assert.Equal(all.Items.OrderBy(d => d.Status == DeadLetterStatus.Pending ? 0 : 1).Select(d => d.Id), all.Items.Select(d => d.Id));
        Assert.All(pending.Items, d => Assert.Equal(DeadLetterStatus.Pending, d.Status));
        Assert.Contains(pending.Items, d => d.MessageKey == key);
        Assert.All(redriven.Items, d => Assert.Equal(DeadLetterStatus.Redriven, d.Status));
    }

    [Theory]
    [InlineData("/notifications/dead-letters?status=lost")]
    [InlineData("/notifications/dead-letters?status=1")]
    [InlineData("/notifications/dead-letters?pageSize=1000")]
    public async Task A_bad_list_query_is_a_400_problem(string path)
    {
        using var admin = app.Admin();

        using var response = await admin.GetAsync(path, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Redriving_an_unknown_dead_letter_is_a_404()
    {
        using var admin = app.Admin();

        using var response = await admin.PostAsync($"/notifications/dead-letters/{Guid.NewGuid()}/redrive", null, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_redrive_the_sidecar_cannot_take_is_a_503_and_the_letter_stays_pending()
    {
        var key = Guid.NewGuid().ToString();
        await DeadLetterAsync(CloudEvents.Envelope(Topics.OrderCancelled, new { eventId = key }));
        var letter = await FindAsync(key);
        using var admin = app.Admin();

        using var one = await admin.PostAsync($"/notifications/dead-letters/{letter.Id}/redrive", null, Ct);
        using var all = await admin.PostAsync("/notifications/dead-letters/redrive", null, Ct);

        Assert.Equal((HttpStatusCode.ServiceUnavailable, HttpStatusCode.ServiceUnavailable), (one.StatusCode, all.StatusCode));
        var after = await FindAsync(key);
        Assert.Equal((DeadLetterStatus.Pending, (DateTimeOffset?)null), (after.Status, after.RedrivenAt));
    }

    private async Task DeadLetterAsync(string originalCloudEvent)
    {
        using var response = await app.Anonymous.PostAsync(
            "/events/dead-letters", CloudEvents.Content(CloudEvents.RawPayloadEnvelope(originalCloudEvent, IntegrationEventsApi.DeadLetterTopic)), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, response.Content.Headers.ContentLength);
    }

    private async Task<DeadLetterPage> ListAsync(string path)
    {
        using var admin = app.Admin();
        return (await admin.GetFromJsonAsync<DeadLetterPage>(path, Ct))!;
    }

    private async Task<DeadLetterItem> FindAsync(string messageKey) =>
        Assert.Single((await ListAsync("/notifications/dead-letters?pageSize=100")).Items, d => d.MessageKey == messageKey);
}
