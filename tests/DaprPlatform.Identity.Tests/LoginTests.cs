using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Identity.Tests;

public sealed class LoginTests(IdentityApp identity) : IClassFixture<IdentityApp>
{
    private const int MaxFailedAttempts = 5;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_wrong_password_and_an_unknown_email_get_the_same_401_problem()
    {
        var user = await identity.RegisterAsync(IdentityApp.NewEmail());

        using var wrongPassword = await LoginAsync(user.Email, "Wr0ng!Password");
        using var unknownEmail = await LoginAsync(IdentityApp.NewEmail(), IdentityApp.Password);

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized), (wrongPassword.StatusCode, unknownEmail.StatusCode));
        Assert.Equal(await ProblemAsync(wrongPassword), await ProblemAsync(unknownEmail));
    }

    [Fact]
    public async Task Repeated_failures_lock_the_account_so_even_the_right_password_is_refused()
    {
        var user = await identity.RegisterAsync(IdentityApp.NewEmail());

        var failures = new List<HttpStatusCode>();
        for (var i = 0; i < MaxFailedAttempts; i++)
        {
            using var failed = await LoginAsync(user.Email, $"Wr0ng!Password{i}");
            failures.Add(failed.StatusCode);
        }

        using var rightPassword = await LoginAsync(user.Email, IdentityApp.Password);

        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Unauthorized, MaxFailedAttempts - 1), (HttpStatusCode)423], failures);
        Assert.Equal((HttpStatusCode)423, rightPassword.StatusCode);
        Assert.Equal("application/problem+json", rightPassword.Content.Headers.ContentType?.MediaType);
        var lockoutEnd = await identity.QueryAsync(db => db.Users.Where(u => u.Id == user.UserId).Select(u => u.LockoutEnd).SingleAsync(Ct));
        Assert.True(lockoutEnd > DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task Wrong_guesses_made_at_the_same_time_all_count_towards_the_lockout()
    {
        var user = await identity.RegisterAsync(IdentityApp.NewEmail());

        var guesses = await Task.WhenAll(Enumerable.Range(0, MaxFailedAttempts).Select(i => LoginAsync(user.Email, $"Wr0ng!Guess{i}")));
        using var rightPassword = await LoginAsync(user.Email, IdentityApp.Password);

        Assert.All(guesses, g => Assert.NotEqual(HttpStatusCode.OK, g.StatusCode));
        Assert.Equal((HttpStatusCode)423, rightPassword.StatusCode);
    }

    [Fact]
    public async Task A_successful_login_resets_the_count_of_failures()
    {
        var user = await identity.RegisterAsync(IdentityApp.NewEmail());

        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < MaxFailedAttempts - 1; i++)
            {
                using var failed = await LoginAsync(user.Email, "Wr0ng!Password");
                Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
            }

            using var success = await LoginAsync(user.Email, IdentityApp.Password);
            Assert.Equal(HttpStatusCode.OK, success.StatusCode);
        }
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("{}")]
    [InlineData("""{"email":"x@example.test"}""")]
    [InlineData("""{"email":["x@example.test"],"password":"p"}""")]
    public async Task A_malformed_login_is_a_400_problem(string body)
    {
        using var response = await identity.Client.PostAsync("/login", new StringContent(body, Encoding.UTF8, "application/json"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private Task<HttpResponseMessage> LoginAsync(string email, string password) =>
        identity.Client.PostAsJsonAsync("/login", new { email, password }, Ct);

    // Everything but the trace id, which differs per request by design.
    private static async Task<string> ProblemAsync(HttpResponseMessage response)
    {
        var problem = await response.Content.ReadFromJsonAsync<Dictionary<string, JsonElement>>(Ct);
        problem!.Remove("traceId");
        return JsonSerializer.Serialize(problem.OrderBy(p => p.Key));
    }
}
