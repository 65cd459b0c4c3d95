namespace DaprPlatform.IntegrationEvents;

/// <summary>Published by identity (through its outbox) once a user's account is committed.</summary>
public sealed record UserRegistered(Guid EventId, string UserId, string Email, string Name, DateTimeOffset OccurredAt);
