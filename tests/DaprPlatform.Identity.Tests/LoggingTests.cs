using System.Net;
using System.Net.Http.Json;
using DaprPlatform.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Serilog;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting.Compact;

namespace DaprPlatform.Identity.Tests;

/// <summary>
/// Identity whose log events, down to Debug, are captured in memory instead of written to the console: compact JSON
/// with the rendered message and every property, as the platform's console logs carry them.
/// </summary>
public sealed class IdentityAppWithLogCapture(InfraFixture infra) : IdentityApp(infra)
{
    private readonly StringWriter _log = new();

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    // preserveStaticLogger: this host logs to its own logger, not to the static one every host of the test run shares.
    protected override void Configure(IWebHostBuilder web) =>
        web.ConfigureTestServices(services => services.AddSerilog(
            logger => logger.MinimumLevel.Debug().Enrich.FromLogContext().WriteTo.Sink(new CapturingSink(_log)),
            preserveStaticLogger: true));

    private sealed class CapturingSink(StringWriter output) : ILogEventSink
    {
        private readonly RenderedCompactJsonFormatter _formatter = new();

        public void Emit(LogEvent logEvent)
        {
            lock (output)
            {
                _formatter.Format(logEvent, output);
            }
        }
    }
}

public sealed class LoggingTests(IdentityAppWithLogCapture identity) : IClassFixture<IdentityAppWithLogCapture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Passwords_tokens_and_the_signing_key_never_reach_the_logs()
    {
        var email = IdentityApp.NewEmail();
        const string wrongPassword = "Wr0ng!Guess-4711";
        const string weakPassword = "weakling";
        using var weak = await identity.Client.PostAsJsonAsync("/register", new { email, password = weakPassword, name = "W" }, Ct);
        await identity.RegisterAsync(email);
        using var wrong = await identity.Client.PostAsJsonAsync("/login", new { email, password = wrongPassword }, Ct);
        var login = await identity.LoginAsync(email);
        using var refreshed = await identity.RefreshAsync(login.RefreshToken);
        using var replayed = await identity.RefreshAsync(login.RefreshToken);
        using var users = await identity.SendAsync(HttpMethod.Get, "/users", login.AccessToken);
        var admin = await identity.LoginAsync(IdentityApp.AdminEmail, IdentityApp.AdminPassword);
        using var logout = await identity.SendAsync(HttpMethod.Post, "/logout", admin.AccessToken, new { refreshToken = admin.RefreshToken });

        var log = identity.Log;

        Assert.Equal((HttpStatusCode.BadRequest, HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden), (weak.StatusCode, wrong.StatusCode, users.StatusCode));
        // The log is there and saw these requests: the reuse was logged, without the token.
        Assert.Contains("was presented again", log, StringComparison.Ordinal);
        string[] secrets =
        [
            IdentityApp.Password, wrongPassword, weakPassword, IdentityApp.AdminPassword,
            login.RefreshToken, admin.RefreshToken, login.AccessToken.Split('.')[2], admin.AccessToken.Split('.')[2],
            .. identity.SigningKeyPem.Split('\n').Where(line => line.Length > 0 && !line.StartsWith("-----", StringComparison.Ordinal)),
        ];
        Assert.All(secrets, secret => Assert.DoesNotContain(secret, log, StringComparison.Ordinal));
    }
}
