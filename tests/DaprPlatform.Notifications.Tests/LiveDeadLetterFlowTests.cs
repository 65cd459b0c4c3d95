using System.Net;
using System.Net.Http.Json;
using DaprPlatform.IntegrationEvents;
using DaprPlatform.Notifications.Apis;
using DaprPlatform.Notifications.Model;
using DaprPlatform.Notifications.Sending;
using DaprPlatform.Testing;

namespace DaprPlatform.Notifications.Tests;

/// <summary>
/// Events published on RabbitMQ and delivered by a real sidecar: a poison event retried, dead-lettered, listed and
/// redriven by an admin until its notification is sent, and redeliveries that change nothing.
/// </summary>
public sealed class LiveDeadLetterFlowTests(LiveNotificationsApp app) : IClassFixture<LiveNotificationsApp>
{
    private static readonly TimeSpan Delivery = TimeSpan.FromSeconds(30);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static OrderConfirmed Confirmed(string customerId) =>
        new(Guid.NewGuid(), $"order-{Guid.NewGuid():N}", customerId, [new OrderEventLine("3", 2, 4.25m)], 8.50m, DateTimeOffset.UtcNow);

    [Fact]
    public async Task A_poison_order_event_is_dead_lettered_and_once_its_user_registered_a_redrive_sends_its_notification()
    {
        var userId = Guid.NewGuid().ToString();
        var confirmed = Confirmed(userId);

        await app.Publisher.PublishEventAsync(Topics.PubSub, Topics.OrderConfirmed, confirmed, Ct);

        var letter = await WaitForDeadLetterAsync(confirmed.EventId.ToString(), d => d.Status == DeadLetterStatus.Pending);
        Assert.Equal((Topics.OrderConfirmed, 1), (letter.OriginalTopic, letter.AttemptCount));
        Assert.Empty(await app.NotificationsOfAsync(userId));

        await app.Publisher.PublishEventAsync(Topics.PubSub, Topics.UserRegistered, new UserRegistered(Guid.NewGuid(), userId, "ada@example.test", "Ada", DateTimeOffset.UtcNow), Ct);
        await WaitForNotificationsAsync(userId, n => n.Template == NotificationTemplates.WelcomeTemplate);
        using var admin = app.Admin();
        using var redrive = await admin.PostAsync($"/notifications/dead-letters/{letter.Id}/redrive", null, Ct);

        Assert.Equal(HttpStatusCode.OK, redrive.StatusCode);
        Assert.Equal(DeadLetterStatus.Redriven, (await redrive.Content.ReadFromJsonAsync<DeadLetterItem>(Ct))!.Status);
        var sent = await WaitForNotificationsAsync(userId, n => n.SourceEventId == confirmed.EventId);
        Assert.Equal((NotificationChannel.Email, NotificationStatus.Sent), (sent.Channel, sent.Status));
        using var again = await admin.PostAsync($"/notifications/dead-letters/{letter.Id}/redrive", null, Ct);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(DeadLetterStatus.Redriven, (await app.DeadLetterAsync(letter.MessageKey))!.Status);
    }

    [Fact]
    public async Task A_redriven_event_that_fails_again_comes_back_to_its_dead_letter_pending_with_one_more_attempt()
    {
        var confirmed = Confirmed(Guid.NewGuid().ToString());
        await app.Publisher.PublishEventAsync(Topics.PubSub, Topics.OrderConfirmed, confirmed, Ct);
        var letter = await WaitForDeadLetterAsync(confirmed.EventId.ToString(), d => d.Status == DeadLetterStatus.Pending);
        using var admin = app.Admin();

        using var redrive = await admin.PostAsync($"/notifications/dead-letters/{letter.Id}/redrive", null, Ct);

        Assert.Equal(HttpStatusCode.OK, redrive.StatusCode);
        var back = await WaitForDeadLetterAsync(letter.MessageKey, d => d.AttemptCount == 2);
        Assert.Equal((letter.Id, DeadLetterStatus.Pending), (back.Id, back.Status));
        Assert.NotNull(back.RedrivenAt);
    }

    [Fact]
    public async Task An_event_that_can_never_be_processed_is_dropped_into_the_dead_letters()
    {
        var key = $"not-a-guid-{Guid.NewGuid():N}";

        await app.Publisher.PublishEventAsync(Topics.PubSub, Topics.OrderCancelled, new { eventId = key, orderId = "o-1", customerId = "u-1", reason = "r" }, Ct);

        var letter = await WaitForDeadLetterAsync(key, _ => true);
        Assert.Equal((Topics.OrderCancelled, 1, DeadLetterStatus.Pending), (letter.OriginalTopic, letter.AttemptCount, letter.Status));
    }

    [Fact]
    public async Task Redrive_all_sends_every_pending_letter_again()
    {
        var userId = Guid.NewGuid().ToString();
        var first = Confirmed(userId);
        var second = new OrderCancelled(Guid.NewGuid(), first.OrderId, userId, "approval timed out", DateTimeOffset.UtcNow);
        await app.Publisher.PublishEventAsync(Topics.PubSub, Topics.OrderConfirmed, first, Ct);
        await app.Publisher.PublishEventAsync(Topics.PubSub, Topics.OrderCancelled, second, Ct);
        var letters = new[]
        {
            await WaitForDeadLetterAsync(first.EventId.ToString(), _ => true),
            await WaitForDeadLetterAsync(second.EventId.ToString(), _ => true),
        };
        await app.Publisher.PublishEventAsync(Topics.PubSub, Topics.UserRegistered, new UserRegistered(Guid.NewGuid(), userId, "bo@example.test", "Bo", DateTimeOffset.UtcNow), Ct);
        await WaitForNotificationsAsync(userId, n => n.Template == NotificationTemplates.WelcomeTemplate);
        using var admin = app.Admin();

        using var redrive = await admin.PostAsync("/notifications/dead-letters/redrive", null, Ct);

        Assert.Equal(HttpStatusCode.OK, redrive.StatusCode);
        Assert.Superset(letters.Select(l => l.Id).ToHashSet(), (await redrive.Content.ReadFromJsonAsync<RedriveSummary>(Ct))!.Ids.ToHashSet());
        await WaitForNotificationsAsync(userId, n => n.SourceEventId == first.EventId);
        await WaitForNotificationsAsync(userId, n => n.SourceEventId == second.EventId);
    }

    [Fact]
    public async Task An_event_published_twice_notifies_once()
    {
        var userId = Guid.NewGuid().ToString();
        var registered = new UserRegistered(Guid.NewGuid(), userId, "cy@example.test", "Cy", DateTimeOffset.UtcNow);
        var marker = new UserRegistered(Guid.NewGuid(), Guid.NewGuid().ToString(), "di@example.test", "Di", DateTimeOffset.UtcNow);

        await app.Publisher.PublishEventAsync(Topics.PubSub, Topics.UserRegistered, registered, Ct);
        await app.Publisher.PublishEventAsync(Topics.PubSub, Topics.UserRegistered, registered, Ct);
        await app.Publisher.PublishEventAsync(Topics.PubSub, Topics.UserRegistered, marker, Ct);

        // The marker was queued behind both copies on the same queue; once it is handled, so were they (give or take
        // deliveries in flight side by side, which the pause covers).
        await WaitForNotificationsAsync(userId, n => n.Template == NotificationTemplates.WelcomeTemplate);
        await WaitForNotificationsAsync(marker.UserId, n => n.Template == NotificationTemplates.WelcomeTemplate);
        await Task.Delay(TimeSpan.FromMilliseconds(500), Ct);
        Assert.Single(await app.NotificationsOfAsync(userId));
    }

    [Fact]
    public async Task A_dead_letter_is_counted_as_received_from_its_topic_and_as_pending_on_the_metrics_endpoint()
    {
        var key = $"not-a-guid-{Guid.NewGuid():N}";
        var before = PrometheusText.Sum(await app.MetricsAsync(), "daprplatform_deadletters_received_total", ("topic", Topics.OrderCancelled));

        await app.Publisher.PublishEventAsync(Topics.PubSub, Topics.OrderCancelled, new { eventId = key, orderId = "o-2", customerId = "u-2", reason = "r" }, Ct);
        await WaitForDeadLetterAsync(key, _ => true);

        // The gauge is counted again right after the letter was kept, not only every 15 s.
        var metrics = "";
        var counted = await Eventually.ReturnsAsync(async () =>
        {
            metrics = await app.MetricsAsync();
            return PrometheusText.Sum(metrics, "daprplatform_deadletters_received_total", ("topic", Topics.OrderCancelled)) >= before + 1
                && PrometheusText.Sum(metrics, "daprplatform_deadletters_pending") >= 1;
        }, TimeSpan.FromSeconds(5));
        Assert.True(counted, metrics);
    }

    private async Task<DeadLetterItem> WaitForDeadLetterAsync(string messageKey, Func<DeadLetterItem, bool> condition)
    {
        DeadLetterItem? letter = null;
        var arrived = await Eventually.ReturnsAsync(async () => (letter = await app.DeadLetterAsync(messageKey)) is { } found && condition(found), Delivery);
        Assert.True(arrived, $"no such dead letter {messageKey} within {Delivery} (last seen: {letter}).\n{app.Sidecar.Output}");
        return letter!;
    }

    private async Task<NotificationItem> WaitForNotificationsAsync(string userId, Func<NotificationItem, bool> match)
    {
        NotificationItem? found = null;
        var arrived = await Eventually.ReturnsAsync(async () => (found = (await app.NotificationsOfAsync(userId)).SingleOrDefault(match)) is not null, Delivery);
        Assert.True(arrived, $"no such notification for {userId} within {Delivery}.\n{app.Sidecar.Output}");
        return found!;
    }
}
