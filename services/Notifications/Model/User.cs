namespace DaprPlatform.Notifications.Model;

/// <summary>A user as user.registered announced them: whom order notifications go to.</summary>
public sealed class User
{
    public required string Id { get; set; }

    public required string Email { get; set; }

    public required string Name { get; set; }

    public DateTimeOffset RegisteredAt { get; set; }
}
