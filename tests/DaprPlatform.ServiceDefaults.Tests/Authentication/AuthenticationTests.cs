using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using DaprPlatform.Testing;

namespace DaprPlatform.ServiceDefaults.Tests.Authentication;

/// <summary>
/// AddDefaultAuthentication with the key from <c>Jwt:PublicKeyPem</c>: what it accepts, every hostile token it must
/// refuse, and the customer/admin policies.
/// </summary>
public sealed class AuthenticationTests
{
    private static readonly string UserId = Guid.NewGuid().ToString();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_valid_token_is_accepted_and_its_claims_keep_their_jwt_names()
    {
        await using var service = await StartAsync();

        using var response = await service.GetAsync("/me", TestTokens.Create(UserId, ["customer", "admin"], email: "ada@example.test"));
        var me = await response.Content.ReadFromJsonAsync<AuthenticatedService.Me>(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(UserId, me!.Sub);
        Assert.Equal(UserId, me.Name);
        Assert.Equal("ada@example.test", me.Email);
        Assert.Equal(["customer", "admin"], me.Roles);
        Assert.True(me.IsAdmin);
    }

    public static TheoryData<string> HostileTokens =>
    [
        "alg-none", "tampered-payload", "hs256-with-public-key", "expired", "not-yet-valid", "wrong-audience",
        "wrong-issuer", "signed-by-another-key", "without-expiry", "not-a-jwt", "empty-signature",
    ];

    [Theory]
    [MemberData(nameof(HostileTokens))]
    public async Task A_hostile_token_is_refused_with_a_401_problem_details(string kind)
    {
        await using var service = await StartAsync();

        using var response = await service.GetAsync("/me", Hostile(kind));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(401, (await response.Content.ReadFromJsonAsync<JsonElement>(Ct)).GetProperty("status").GetInt32());
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_token_protected_routes_are_401_and_anonymous_ones_answer()
    {
        await using var service = await StartAsync();

        using var anonymous = await service.GetAsync("/public", token: null);
        using var me = await service.GetAsync("/me", token: null);
        using var admin = await service.GetAsync("/admin", token: null);

        Assert.Equal(HttpStatusCode.OK, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, admin.StatusCode);
        Assert.Equal("Bearer", me.Headers.WwwAuthenticate.ToString());
    }

    [Fact]
    public async Task A_customer_token_on_an_admin_route_is_a_403_problem_details()
    {
        await using var service = await StartAsync();

        using var response = await service.GetAsync("/admin", TestTokens.Customer(UserId));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_customer_policy_admits_customers_and_admins_but_not_a_user_without_a_role()
    {
        await using var service = await StartAsync();

        using var customer = await service.GetAsync("/customer", TestTokens.Customer(UserId));
        using var admin = await service.GetAsync("/customer", TestTokens.Admin(UserId));
        using var adminOnAdmin = await service.GetAsync("/admin", TestTokens.Admin(UserId));
        using var roleless = await service.GetAsync("/customer", TestTokens.Create(UserId, []));

        Assert.Equal(HttpStatusCode.OK, customer.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal(HttpStatusCode.OK, adminOnAdmin.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, roleless.StatusCode);
    }

    [Fact]
    public async Task Issuer_and_audience_come_from_configuration()
    {
        await using var service = await StartAsync(new Dictionary<string, string?> { ["Jwt:Issuer"] = "issuer-b", ["Jwt:Audience"] = "audience-b" });

        using var configured = await service.GetAsync("/me", TestTokens.Create(UserId, ["customer"], issuer: "issuer-b", audience: "audience-b"));
        using var defaults = await service.GetAsync("/me", TestTokens.Customer(UserId));

        Assert.Equal(HttpStatusCode.OK, configured.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, defaults.StatusCode);
    }

    [Fact]
    public async Task Without_a_configured_key_and_with_identity_unreachable_a_token_is_401_not_a_500()
    {
        // No Jwt:PublicKeyPem: keys would come from identity's JWKS through a sidecar that does not exist.
        await using var service = await AuthenticatedService.StartAsync(new Dictionary<string, string?> { ["DAPR_HTTP_ENDPOINT"] = "http://127.0.0.1:1" });

        using var response = await service.GetAsync("/me", TestTokens.Customer(UserId));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static string Hostile(string kind) => kind switch
    {
        "alg-none" => TestTokens.AlgNone(UserId, "admin"),
        "tampered-payload" => TestTokens.TamperedPayload(UserId),
        "hs256-with-public-key" => TestTokens.Hs256SignedWithPublicKey(UserId, "admin"),
        "expired" => TestTokens.Expired(UserId, "customer"),
        "not-yet-valid" => TestTokens.NotYetValid(UserId, "customer"),
        "wrong-audience" => TestTokens.WrongAudience(UserId, "customer"),
        "wrong-issuer" => TestTokens.WrongIssuer(UserId, "customer"),
        "signed-by-another-key" => TestTokens.SignedByAnotherKey(UserId, "admin"),
        "without-expiry" => TestTokens.WithoutExpiry(UserId, "customer"),
        "not-a-jwt" => "definitely-not-a-jwt",
        "empty-signature" => string.Join('.', TestTokens.Admin(UserId).Split('.')[..2]) + ".",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static Task<AuthenticatedService> StartAsync(Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["DAPR_HTTP_ENDPOINT"] = "http://127.0.0.1:1",
            ["Jwt:PublicKeyPem"] = TestTokens.PublicKeyPem,
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        return AuthenticatedService.StartAsync(all);
    }
}
