namespace DaprPlatform.Notifications.Model;

/// <summary>
/// The channels a user wants order notifications on. A user who never chose has <see cref="Default"/>: email only.
/// Kept apart from <see cref="User"/> (no foreign key) because a signed-in user may choose before their
/// user.registered event has arrived here.
/// </summary>
public sealed class NotificationPreferences
{
    public required string UserId { get; set; }

    public bool Email { get; set; } = true;

    public bool Sms { get; set; }

    public bool Push { get; set; }

    /// <summary>E.164; without it an SMS is skipped, not failed.</summary>
    public string? Phone { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public static NotificationPreferences Default(string userId) => new() { UserId = userId };

    public IEnumerable<NotificationChannel> EnabledChannels()
    {
        if (Email)
        {
            yield return NotificationChannel.Email;
        }

        if (Sms)
        {
            yield return NotificationChannel.Sms;
        }

        if (Push)
        {
            yield return NotificationChannel.Push;
        }
    }
}
