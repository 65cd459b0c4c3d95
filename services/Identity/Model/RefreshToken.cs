namespace DaprPlatform.Identity.Model;

/// <summary>
/// One refresh token of a login's family. Only the SHA-256 of the token is kept, so the table alone lets nobody
/// refresh. Each use consumes the token and issues its successor in the same family; a consumed token presented
/// again is a replay, and revokes the family.
/// </summary>
public sealed class RefreshToken
{
    public Guid Id { get; set; }

    public required string UserId { get; set; }

    /// <summary>Every token descending from one login shares it: what a reuse or a logout revokes.</summary>
    public Guid FamilyId { get; set; }

    public required byte[] TokenHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? ConsumedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>The token this one was exchanged for.</summary>
    public Guid? ReplacedById { get; set; }
}
