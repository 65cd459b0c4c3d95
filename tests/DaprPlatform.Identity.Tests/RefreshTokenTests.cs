using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using DaprPlatform.Identity.Tokens;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Identity.Tests;

public sealed class RefreshTokenTests(IdentityApp identity) : IClassFixture<IdentityApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_refresh_rotates_the_token_and_the_old_one_no_longer_works()
    {
        var (_, login) = await identity.NewCustomerAsync();

        var first = await RefreshOkAsync(login.RefreshToken);
        var second = await RefreshOkAsync(first.RefreshToken);

        Assert.NotEqual(login.RefreshToken, first.RefreshToken);
        Assert.NotEqual(first.RefreshToken, second.RefreshToken);
        using var me = await identity.SendAsync(HttpMethod.Get, "/me", second.AccessToken);
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        using var old = await identity.RefreshAsync(login.RefreshToken);
        Assert.Equal(HttpStatusCode.Unauthorized, old.StatusCode);
    }

    [Fact]
    public async Task Presenting_a_consumed_token_again_revokes_its_family_so_the_newest_token_stops_working_too()
    {
        var (user, login) = await identity.NewCustomerAsync();
        var otherSession = await identity.LoginAsync(user.Email);
        var rotated = await RefreshOkAsync(login.RefreshToken);

        using var replay = await identity.RefreshAsync(login.RefreshToken);
        using var newest = await identity.RefreshAsync(rotated.RefreshToken);

        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Equal("application/problem+json", replay.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, newest.StatusCode);
        var family = await identity.QueryAsync(db => db.RefreshTokens.Where(t => t.TokenHash == Hash(login.RefreshToken)).Select(t => t.FamilyId).SingleAsync(Ct));
        Assert.All(await identity.QueryAsync(db => db.RefreshTokens.Where(t => t.FamilyId == family).ToListAsync(Ct)), t => Assert.NotNull(t.RevokedAt));
        // Another login of the same user is another family, untouched.
        await RefreshOkAsync(otherSession.RefreshToken);
    }

    [Fact]
    public async Task Of_concurrent_refreshes_with_one_token_exactly_one_succeeds()
    {
        var (_, login) = await identity.NewCustomerAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => identity.RefreshAsync(login.RefreshToken)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Unauthorized, r.StatusCode));
    }

    [Fact]
    public async Task Logout_revokes_the_family_of_the_presented_token()
    {
        var (_, login) = await identity.NewCustomerAsync();
        var rotated = await RefreshOkAsync(login.RefreshToken);

        using var logout = await identity.SendAsync(HttpMethod.Post, "/logout", rotated.AccessToken, new { refreshToken = rotated.RefreshToken });
        using var refresh = await identity.RefreshAsync(rotated.RefreshToken);

        Assert.Equal(HttpStatusCode.NoContent, logout.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, refresh.StatusCode);
    }

    [Fact]
    public async Task Logout_needs_a_token_and_cannot_revoke_another_users_session()
    {
        var (_, victim) = await identity.NewCustomerAsync();
        var (_, attacker) = await identity.NewCustomerAsync();

        using var anonymous = await identity.Client.PostAsJsonAsync("/logout", new { refreshToken = victim.RefreshToken }, Ct);
        using var foreign = await identity.SendAsync(HttpMethod.Post, "/logout", attacker.AccessToken, new { refreshToken = victim.RefreshToken });

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, foreign.StatusCode);
        await RefreshOkAsync(victim.RefreshToken);
    }

    [Fact]
    public async Task An_expired_refresh_token_is_refused()
    {
        var (_, login) = await identity.NewCustomerAsync();
        await identity.QueryAsync(db => db.RefreshTokens.Where(t => t.TokenHash == Hash(login.RefreshToken))
            .ExecuteUpdateAsync(set => set.SetProperty(t => t.ExpiresAt, DateTimeOffset.UtcNow.AddSeconds(-1)), Ct));

        using var response = await identity.RefreshAsync(login.RefreshToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Only_the_SHA256_of_a_refresh_token_is_stored_and_it_expires_in_14_days()
    {
        var (user, login) = await identity.NewCustomerAsync();

        var rows = await identity.QueryAsync(db => db.RefreshTokens.AsNoTracking().Where(t => t.UserId == user.UserId).ToListAsync(Ct));

        var row = Assert.Single(rows);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(login.RefreshToken)), row.TokenHash);
        Assert.Equal(32, Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(login.RefreshToken).Length);
        Assert.Equal(TimeSpan.FromDays(14), row.ExpiresAt - row.CreatedAt);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"refreshToken":""}""")]
    [InlineData("""{"refreshToken":7}""")]
    [InlineData("nonsense")]
    public async Task A_malformed_refresh_is_a_400_problem(string body)
    {
        using var response = await identity.Client.PostAsync("/refresh", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task An_unknown_refresh_token_is_401()
    {
        using var response = await identity.RefreshAsync(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<TokenResponse> RefreshOkAsync(string refreshToken)
    {
        using var response = await identity.RefreshAsync(refreshToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<TokenResponse>(Ct))!;
    }

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));
}
