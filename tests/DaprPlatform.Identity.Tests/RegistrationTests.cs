using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using DaprPlatform.Identity.Apis;
using DaprPlatform.Identity.Model;
using DaprPlatform.IntegrationEvents;
using DaprPlatform.Outbox;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace DaprPlatform.Identity.Tests;

public sealed class RegistrationTests(IdentityApp identity) : IClassFixture<IdentityApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_registered_customer_logs_in_and_sees_their_profile()
    {
        var email = IdentityApp.NewEmail();

        var registered = await identity.RegisterAsync(email, name: "Grace Hopper");
        var tokens = await identity.LoginAsync(email);
        using var me = await identity.SendAsync(HttpMethod.Get, "/me", tokens.AccessToken);

        Assert.Equal((email, "Grace Hopper"), (registered.Email, registered.Name));
        Assert.True(Guid.TryParse(registered.UserId, out _));
        Assert.Equal(("Bearer", 900), (tokens.TokenType, tokens.ExpiresIn));
        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        var profile = (await me.Content.ReadFromJsonAsync<Profile>(Ct))!;
        Assert.Equal((registered.UserId, email, "Grace Hopper"), (profile.UserId, profile.Email, profile.Name));
        Assert.Equal(["customer"], profile.Roles);
    }

    [Fact]
    public async Task The_profile_needs_a_token()
    {
        using var anonymous = await identity.Client.GetAsync("/me", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal("application/problem+json", anonymous.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_second_account_with_the_same_email_in_any_case_is_409_and_writes_no_event()
    {
        var email = IdentityApp.NewEmail();
        await identity.RegisterAsync(email);
        var events = await OutboxCountAsync();

        using var again = await identity.Client.PostAsJsonAsync("/register", new { email = email.ToUpperInvariant(), password = IdentityApp.Password, name = "Copy" }, Ct);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal("application/problem+json", again.Content.Headers.ContentType?.MediaType);
        Assert.Equal(events, await OutboxCountAsync());
    }

    [Fact]
    public async Task Concurrent_registrations_of_one_email_make_one_account_and_one_event()
    {
        var email = IdentityApp.NewEmail();
        var events = await OutboxCountAsync();

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            identity.Client.PostAsJsonAsync("/register", new { email, password = IdentityApp.Password, name = "Racer" }, Ct)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.Conflict, r.StatusCode));
        Assert.Equal(1, await identity.QueryAsync(db => db.Users.CountAsync(u => u.Email == email, Ct)));
        Assert.Equal(events + 1, await OutboxCountAsync());
    }

    [Theory]
    [InlineData("short1!")]
    [InlineData("alllowercase1!")]
    [InlineData("NoDigitsHere!")]
    [InlineData("NoSymbols123")]
    public async Task A_weak_password_is_a_400_validation_problem_and_creates_no_user_and_no_event(string password)
    {
        var email = IdentityApp.NewEmail();
        var events = await OutboxCountAsync();

        using var response = await identity.Client.PostAsJsonAsync("/register", new { email, password, name = "Weak" }, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>(Ct);
        Assert.True(problem.GetProperty("errors").TryGetProperty("password", out _));
        Assert.False(await identity.QueryAsync(db => db.Users.AnyAsync(u => u.Email == email, Ct)));
        Assert.Equal(events, await OutboxCountAsync());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{}")]
    [InlineData("""{"email":42,"password":"Str0ng!Passw0rd","name":"N"}""")]
    [InlineData("""{"email":"nobody","password":"Str0ng!Passw0rd","name":"N"}""")]
    [InlineData("""{"email":"Name <x@example.test>","password":"Str0ng!Passw0rd","name":"N"}""")]
    [InlineData("""{"email":"x@example.test","password":"Str0ng!Passw0rd","name":"  "}""")]
    [InlineData("""{"email":"x@example.test","password":null,"name":"N"}""")]
    public async Task A_malformed_registration_is_a_400_problem_and_changes_nothing(string body)
    {
        var (users, events) = (await UserCountAsync(), await OutboxCountAsync());

        using var response = await identity.Client.PostAsync("/register", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((users, events), (await UserCountAsync(), await OutboxCountAsync()));
    }

    [Fact]
    public async Task The_password_is_stored_as_an_Identity_hash_never_as_text()
    {
        var user = await identity.RegisterAsync(IdentityApp.NewEmail());

        var stored = await identity.QueryAsync(db => db.Users.AsNoTracking().SingleAsync(u => u.Id == user.UserId, Ct));

        Assert.DoesNotContain(IdentityApp.Password, stored.PasswordHash!, StringComparison.Ordinal);
        // Identity's v3 format: a 0x01 marker, then PBKDF2's parameters, salt and subkey.
        Assert.Equal(0x01, Convert.FromBase64String(stored.PasswordHash!)[0]);
        Assert.Equal(PasswordVerificationResult.Success, new PasswordHasher<ApplicationUser>().VerifyHashedPassword(stored, stored.PasswordHash!, IdentityApp.Password));
    }

    [Fact]
    public async Task Registration_writes_the_user_registered_event_to_the_outbox()
    {
        var user = await identity.RegisterAsync(IdentityApp.NewEmail(), name: "Evented");

        var rows = await identity.QueryAsync(db => db.Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.Topic == Topics.UserRegistered).ToListAsync(Ct));

        var row = Assert.Single(rows, r => JsonSerializer.Deserialize<UserRegistered>(r.Payload, JsonSerializerOptions.Web)!.UserId == user.UserId);
        var payload = JsonSerializer.Deserialize<UserRegistered>(row.Payload, JsonSerializerOptions.Web)!;
        Assert.Equal((row.Id, user.Email, "Evented"), (payload.EventId, payload.Email, payload.Name));
    }

    [Fact]
    public async Task The_account_and_its_event_commit_together_so_a_failing_event_write_leaves_no_account()
    {
        var email = IdentityApp.NewEmail();
        // The database refuses this one event row: if the account were committed on its own, it would stay.
        await ExecuteAsync($"""
            CREATE FUNCTION refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.payload->>'email' = '{email}' THEN RAISE EXCEPTION 'refused by the test'; END IF;
              RETURN NEW;
            END $$;
            CREATE TRIGGER refuse_event BEFORE INSERT ON {OutboxModel.TableName} FOR EACH ROW EXECUTE FUNCTION refuse_event();
            """);
        try
        {
            using var response = await identity.Client.PostAsJsonAsync("/register", new { email, password = IdentityApp.Password, name = "Doomed" }, Ct);

            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.False(await identity.QueryAsync(db => db.Users.AnyAsync(u => u.Email == email, Ct)));
        }
        finally
        {
            await ExecuteAsync($"DROP TRIGGER refuse_event ON {OutboxModel.TableName}; DROP FUNCTION refuse_event();");
        }
    }

    private Task<int> UserCountAsync() => identity.QueryAsync(db => db.Users.CountAsync(Ct));

    private Task<int> OutboxCountAsync() => identity.QueryAsync(db => db.Set<OutboxMessage>().CountAsync(Ct));

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(identity.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(Ct);
    }
}
