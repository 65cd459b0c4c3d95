using System.Security.Cryptography;
using System.Text;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.Identity.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace DaprPlatform.Identity.Tokens;

public enum RotationOutcome
{
    Rotated,
    Invalid,
    Reused,
}

/// <summary>What a refresh came to: on <see cref="RotationOutcome.Rotated"/>, the user and the successor token.</summary>
public sealed record Rotation(RotationOutcome Outcome, string? UserId = null, string? Token = null);

/// <summary>
/// Refresh tokens: opaque 256-bit random values handed out once; the table keeps only their SHA-256. A refresh
/// consumes the presented token and issues its successor in the same family; presenting a consumed token again
/// means it was copied, so the whole family is revoked, the thief's successor and the owner's alike.
/// </summary>
public sealed partial class RefreshTokenStore(IdentityContext db, IOptions<JwtOptions> options, TimeProvider time, ILogger<RefreshTokenStore> logger)
{
    public const int MaxTokenLength = 200;

    /// <summary>The first token of a new family (a login).</summary>
    public async Task<string> IssueAsync(string userId, CancellationToken ct)
    {
        var (token, row) = NewToken(Guid.CreateVersion7(), userId, Guid.CreateVersion7(), time.GetUtcNow());
        db.RefreshTokens.Add(row);
        await db.SaveChangesAsync(ct);
        return token;
    }

    public async Task<Rotation> RotateAsync(string presented, CancellationToken ct)
    {
        var hash = Hash(presented);
        var now = time.GetUtcNow();
        var successorId = Guid.CreateVersion7();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // The conditional update is the concurrency check: of two refreshes with one token, the second waits on the
        // first's row lock, then finds the token consumed and matches nothing.
        var consumed = await db.RefreshTokens
            .Where(t => t.TokenHash == hash && t.ConsumedAt == null && t.RevokedAt == null && t.ExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.ConsumedAt, now).SetProperty(t => t.ReplacedById, successorId), ct);
        var current = await db.RefreshTokens.AsNoTracking().Where(t => t.TokenHash == hash)
            .Select(t => new { t.UserId, t.FamilyId, t.ConsumedAt, t.ReplacedById })
            .SingleOrDefaultAsync(ct);
        if (consumed == 1 && current is not null)
        {
            var (token, successor) = NewToken(successorId, current.UserId, current.FamilyId, now);
            db.RefreshTokens.Add(successor);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            return new Rotation(RotationOutcome.Rotated, current.UserId, token);
        }

        if (current is { ConsumedAt: not null })
        {
            var revoked = await RevokeAsync(current.FamilyId, now, ct);
            await transaction.CommitAsync(ct);
            LogReuse(current.FamilyId, current.UserId, revoked);
            return new Rotation(RotationOutcome.Reused);
        }

        // Unknown, expired or revoked: nothing to change.
        return new Rotation(RotationOutcome.Invalid);
    }

    /// <summary>Revokes the family of <paramref name="presented"/> if it is <paramref name="userId"/>'s; false otherwise.</summary>
    public async Task<bool> RevokeFamilyAsync(string presented, string userId, CancellationToken ct)
    {
        var hash = Hash(presented);
        var family = await db.RefreshTokens.AsNoTracking().Where(t => t.TokenHash == hash && t.UserId == userId)
            .Select(t => (Guid?)t.FamilyId).SingleOrDefaultAsync(ct);
        if (family is null)
        {
            return false;
        }

        await RevokeAsync(family.Value, time.GetUtcNow(), ct);
        return true;
    }

    private Task<int> RevokeAsync(Guid familyId, DateTimeOffset now, CancellationToken ct) =>
        db.RefreshTokens.Where(t => t.FamilyId == familyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.RevokedAt, now), ct);

    private (string Token, RefreshToken Row) NewToken(Guid id, string userId, Guid familyId, DateTimeOffset now)
    {
        var token = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return (token, new RefreshToken
        {
            Id = id,
            UserId = userId,
            FamilyId = familyId,
            TokenHash = Hash(token),
            CreatedAt = now,
            ExpiresAt = now + options.Value.RefreshTokenLifetime,
        });
    }

    internal static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    [LoggerMessage(Level = LogLevel.Warning, Message = "A consumed refresh token of family {FamilyId} (user {UserId}) was presented again; the family is revoked ({Revoked} live tokens)")]
    private partial void LogReuse(Guid familyId, string userId, int revoked);
}
