using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.IntegrationEvents;
using DaprPlatform.Notifications.Apis;
using DaprPlatform.Notifications.Events;
using DaprPlatform.Notifications.Model;
using DaprPlatform.Notifications.Sending;
using DaprPlatform.Testing;

namespace DaprPlatform.Notifications.Tests;

/// <summary>
/// Events delivered as daprd delivers them, most of them twice: what they send, on which channels, with what status,
/// and what a delivery that cannot be processed answers.
/// </summary>
public sealed class EventSubscriptionTests(NotificationsApp app) : IClassFixture<NotificationsApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string NewUserId() => Guid.NewGuid().ToString();

    private static OrderConfirmed Confirmed(string customerId, decimal total = 42.50m) =>
        new(Guid.NewGuid(), $"order-{Guid.NewGuid():N}", customerId, [new OrderEventLine("7", 1, total)], total, DateTimeOffset.UtcNow);

    [Fact]
    public async Task A_registration_delivered_twice_welcomes_the_user_by_email_once()
    {
        var userId = NewUserId();
        var registered = new UserRegistered(Guid.NewGuid(), userId, "ada@example.test", "Ada", DateTimeOffset.UtcNow);

        using var first = await app.DeliverAsync("/events/user-registered", Topics.UserRegistered, registered);
        using var again = await app.DeliverAsync("/events/user-registered", Topics.UserRegistered, registered);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, again.StatusCode));
        var welcome = Assert.Single(await app.NotificationsOfAsync(userId));
        Assert.Equal(
            (NotificationChannel.Email, NotificationTemplates.WelcomeTemplate, "ada@example.test", NotificationStatus.Sent, registered.EventId),
            (welcome.Channel, welcome.Template, welcome.Recipient, welcome.Status, welcome.SourceEventId));
        Assert.NotNull(welcome.SentAt);
    }

    [Fact]
    public async Task An_order_confirmation_delivered_twice_notifies_once_on_each_channel_the_user_chose()
    {
        var userId = NewUserId();
        await app.RegisterAsync(userId);
        await app.SetPreferencesAsync(userId, new PreferencesRequest(Email: false, Sms: true, Push: true, Phone: "+14155550100"));
        var confirmed = Confirmed(userId, 19.99m);

        using var first = await app.DeliverAsync("/events/order-confirmed", Topics.OrderConfirmed, confirmed);
        using var again = await app.DeliverAsync("/events/order-confirmed", Topics.OrderConfirmed, confirmed);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, again.StatusCode));
        var sent = (await app.NotificationsOfAsync(userId)).Where(n => n.SourceEventId == confirmed.EventId).ToList();
        Assert.Equal([NotificationChannel.Sms, NotificationChannel.Push], sent.Select(n => n.Channel).Order());
        Assert.All(sent, n => Assert.Equal((NotificationStatus.Sent, NotificationTemplates.OrderConfirmedTemplate), (n.Status, n.Template)));
        Assert.Equal("+14155550100", sent.Single(n => n.Channel == NotificationChannel.Sms).Recipient);
        Assert.Contains("19.99", sent[0].Body);
    }

    [Fact]
    public async Task Without_preferences_an_order_event_goes_by_email_alone()
    {
        var userId = NewUserId();
        await app.RegisterAsync(userId, "grace@example.test");
        var confirmed = Confirmed(userId);

        using var response = await app.DeliverAsync("/events/order-confirmed", Topics.OrderConfirmed, confirmed);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var notification = Assert.Single(await app.NotificationsOfAsync(userId), n => n.SourceEventId == confirmed.EventId);
        Assert.Equal((NotificationChannel.Email, "grace@example.test"), (notification.Channel, notification.Recipient));
    }

    [Fact]
    public async Task Concurrent_deliveries_of_one_event_notify_once()
    {
        var userId = NewUserId();
        await app.RegisterAsync(userId);
        var confirmed = Confirmed(userId);

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => app.DeliverAsync("/events/order-confirmed", Topics.OrderConfirmed, confirmed)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.Single(await app.NotificationsOfAsync(userId), n => n.SourceEventId == confirmed.EventId);
    }

    [Fact]
    public async Task A_cancellation_tells_the_reason_and_an_sms_without_a_phone_is_skipped_with_why()
    {
        var userId = NewUserId();
        await app.RegisterAsync(userId);
        await app.SetPreferencesAsync(userId, new PreferencesRequest(Email: true, Sms: true, Push: false, Phone: null));
        var cancelled = new OrderCancelled(Guid.NewGuid(), "order-9", userId, "payment declined: card_declined", DateTimeOffset.UtcNow);

        using var first = await app.DeliverAsync("/events/order-cancelled", Topics.OrderCancelled, cancelled);
        using var again = await app.DeliverAsync("/events/order-cancelled", Topics.OrderCancelled, cancelled);

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.StatusCode, again.StatusCode));
        var sent = (await app.NotificationsOfAsync(userId)).Where(n => n.SourceEventId == cancelled.EventId).ToList();
        Assert.Equal(2, sent.Count);
        var email = sent.Single(n => n.Channel == NotificationChannel.Email);
        Assert.Equal((NotificationStatus.Sent, NotificationTemplates.OrderCancelledTemplate), (email.Status, email.Template));
        Assert.Contains("payment declined: card_declined", email.Body);
        var sms = sent.Single(n => n.Channel == NotificationChannel.Sms);
        Assert.Equal((NotificationStatus.Skipped, "no phone number", null, null), (sms.Status, sms.StatusReason, sms.Recipient, sms.SentAt));
    }

    [Fact]
    public async Task A_bouncing_address_is_recorded_as_failed_and_the_event_still_acknowledged()
    {
        var userId = NewUserId();
        var registered = new UserRegistered(Guid.NewGuid(), userId, SimulatedEmailSender.BounceAddress, "Bo", DateTimeOffset.UtcNow);

        using var response = await app.DeliverAsync("/events/user-registered", Topics.UserRegistered, registered);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var welcome = Assert.Single(await app.NotificationsOfAsync(userId));
        Assert.Equal((NotificationStatus.Failed, "the address bounced", null), (welcome.Status, welcome.StatusReason, welcome.SentAt));
    }

    [Fact]
    public async Task An_order_event_for_a_user_not_known_yet_fails_without_a_trace_and_succeeds_once_the_user_registered()
    {
        var userId = NewUserId();
        var confirmed = Confirmed(userId);

        using var refused = await app.DeliverAsync("/events/order-confirmed", Topics.OrderConfirmed, confirmed);

        // Non-2xx and not 404 (which daprd would take as a drop): the sidecar retries it, then dead-letters it.
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        await app.RegisterAsync(userId);
        // Had the refused delivery kept its processed_events row, this redelivery would be taken for a duplicate.
        using var redelivered = await app.DeliverAsync("/events/order-confirmed", Topics.OrderConfirmed, confirmed);
        Assert.Equal(HttpStatusCode.OK, redelivered.StatusCode);
        Assert.Single(await app.NotificationsOfAsync(userId), n => n.SourceEventId == confirmed.EventId);
    }

    [Theory]
    [InlineData("/events/order-confirmed", Topics.OrderConfirmed, """{"eventId":"not-a-guid","orderId":"o-1","customerId":"u-1"}""")]
    [InlineData("/events/order-cancelled", Topics.OrderCancelled, """{"eventId":"8d6c5b0a-4cc7-4a4e-9a37-6f1d2b7f0c11","orderId":"o-1","reason":"x"}""")]
    [InlineData("/events/user-registered", Topics.UserRegistered, """{"eventId":"00000000-0000-0000-0000-000000000000","userId":"u-1","email":"a@b.c","name":"A"}""")]
    [InlineData("/events/user-registered", Topics.UserRegistered, "\"a string, not an event\"")]
    public async Task A_payload_that_can_never_be_processed_is_dropped_to_the_dead_letter_topic_and_changes_nothing(string route, string topic, string data)
    {
        var userId = NewUserId();
        await app.RegisterAsync(userId);
        var before = await app.NotificationsOfAsync(userId);

        using var response = await app.DeliverAsync(route, topic, JsonSerializer.Deserialize<JsonElement>(data));

        await NotificationsApp.AssertDroppedAsync(response);
        Assert.Equal(before, await app.NotificationsOfAsync(userId));
    }

    [Fact]
    public void The_declared_subscriptions_of_notifications_dead_letter_every_event_topic_and_take_the_dead_letters_raw()
    {
        var byTopic = DeclaredSubscriptions.Of("notifications").ToDictionary(s => s.Topic);

        Assert.Equal(
            [IntegrationEventsApi.DeadLetterTopic, Topics.OrderCancelled, Topics.OrderConfirmed, Topics.UserRegistered],
            byTopic.Keys.Order(StringComparer.Ordinal));
        Assert.All(byTopic.Values, s => Assert.Equal(
            (Topics.PubSub, $"notifications-{s.Topic.Replace('.', '-')}", "notifications"),
            (s.PubsubName, s.Name, string.Join(',', s.Scopes))));
        foreach (var topic in new[] { Topics.UserRegistered, Topics.OrderConfirmed, Topics.OrderCancelled })
        {
            Assert.Equal(IntegrationEventsApi.DeadLetterTopic, byTopic[topic].DeadLetterTopic);
            Assert.Empty(byTopic[topic].Metadata);
        }

        // The dead letters themselves arrive raw: the original CloudEvent, not unwrapped into its data.
        var deadLetters = byTopic[IntegrationEventsApi.DeadLetterTopic];
        Assert.Equal(new Dictionary<string, string> { ["rawPayload"] = "true" }, deadLetters.Metadata);
        Assert.Null(deadLetters.DeadLetterTopic);
    }

    [Fact]
    public async Task Each_declared_route_of_notifications_handles_its_topics_events()
    {
        var subscriptions = DeclaredSubscriptions.Of("notifications");
        var userId = NewUserId();
        var registered = new UserRegistered(Guid.NewGuid(), userId, $"{userId}@example.test", "Ada", DateTimeOffset.UtcNow);
        var confirmed = new OrderConfirmed(Guid.NewGuid(), "order-routes-1", userId, [new OrderEventLine("1", 1, 2m)], 2m, DateTimeOffset.UtcNow);
        var cancelled = new OrderCancelled(Guid.NewGuid(), "order-routes-2", userId, "out of stock: 1", DateTimeOffset.UtcNow);
        var deadLettered = new OrderCancelled(Guid.NewGuid(), "order-routes-3", userId, "x", DateTimeOffset.UtcNow);

        await DeliverAsync(Topics.UserRegistered, CloudEvents.Envelope(Topics.UserRegistered, registered));
        await DeliverAsync(Topics.OrderConfirmed, CloudEvents.Envelope(Topics.OrderConfirmed, confirmed));
        await DeliverAsync(Topics.OrderCancelled, CloudEvents.Envelope(Topics.OrderCancelled, cancelled));
        await DeliverAsync(IntegrationEventsApi.DeadLetterTopic, CloudEvents.RawPayloadEnvelope(
            CloudEvents.Envelope(Topics.OrderCancelled, deadLettered), IntegrationEventsApi.DeadLetterTopic));

        var sources = (await app.NotificationsOfAsync(userId)).Select(n => n.SourceEventId).ToHashSet();
        Assert.Superset(new HashSet<Guid> { registered.EventId, confirmed.EventId, cancelled.EventId }, sources);
        using var admin = app.Admin();
        var letters = await admin.GetFromJsonAsync<DeadLetterPage>($"/notifications/dead-letters?pageSize={DeadLettersApi.MaxPageSize}", Ct);
        Assert.Contains(letters!.Items, d => d.MessageKey == deadLettered.EventId.ToString());

        async Task DeliverAsync(string topic, string cloudEvent)
        {
            using var response = await app.Anonymous.PostAsync(subscriptions.Single(s => s.Topic == topic).Route, CloudEvents.Content(cloudEvent), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task The_app_lists_no_subscriptions_of_its_own_beside_the_declared_ones()
    {
        // A programmatic subscription to the same topic would be a second delivery of every event.
        using var response = await app.Anonymous.GetAsync("/dapr/subscribe", Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
