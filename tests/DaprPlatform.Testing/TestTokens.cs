using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace DaprPlatform.Testing;

/// <summary>
/// A test issuer of the platform's access tokens (RS256, <c>sub</c>/<c>email</c>/<c>name</c>/<c>role</c>/<c>jti</c>,
/// <c>kid</c> header) with its own RSA key for the whole test run. A service under test trusts it through
/// <c>UseSetting("Jwt:PublicKeyPem", TestTokens.PublicKeyPem)</c>, or through <see cref="JwksJson"/> served as
/// identity's JWKS. The hostile helpers build the tokens an attacker would send; every one of them must be refused.
/// </summary>
public static class TestTokens
{
    public const string Issuer = "daprplatform-identity";
    public const string Audience = "daprplatform";
    public const string KeyId = "test-signing-key";

    private static readonly RSA Key = RSA.Create(2048);
    private static readonly RSA OtherKey = RSA.Create(2048);
    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public static string PublicKeyPem { get; } = Key.ExportSubjectPublicKeyInfoPem();

    public static string PrivateKeyPem { get; } = Key.ExportPkcs8PrivateKeyPem();

    /// <summary>The public key as identity serves it at <c>/.well-known/jwks.json</c>.</summary>
    public static string JwksJson { get; } = CreateJwks();

    /// <summary>A valid token for the user with these roles (<c>customer</c>, <c>admin</c>), 15 minutes by default.</summary>
    public static string Create(
        string userId,
        IEnumerable<string> roles,
        string? email = null,
        TimeSpan? lifetime = null,
        string? issuer = null,
        string? audience = null,
        string? kid = null,
        string? name = null)
    {
        var now = DateTime.UtcNow;
        return Sign(SigningKey(Key, kid ?? KeyId), Descriptor(userId, roles, email, name, issuer, audience, now, now + (lifetime ?? TimeSpan.FromMinutes(15))));
    }

    /// <summary>
    /// A token signed with another issuer's key — the platform's own, read from its secrets, to forge tokens that
    /// differ from a real one in a single respect (expired, wrong audience) and must still be refused.
    /// </summary>
    public static string SignedWith(
        RSA key, string kid, string userId, IEnumerable<string> roles, DateTime notBefore, DateTime expires, string? audience = null, string? issuer = null) =>
        Sign(SigningKey(key, kid), Descriptor(userId, roles, null, null, issuer, audience, notBefore, expires));

    public static string Customer(string userId) => Create(userId, ["customer"]);

    public static string Admin(string userId) => Create(userId, ["admin"]);

    /// <summary><c>alg: none</c> and no signature: a validator that trusts the header accepts anything.</summary>
    public static string AlgNone(string userId, params string[] roles)
    {
        var header = Base64UrlEncoder.Encode("""{"alg":"none","typ":"JWT"}""");
        return $"{header}.{Payload(Create(userId, roles))}.";
    }

    /// <summary>A customer's valid token whose payload was then edited to add the admin role; the signature is the original.</summary>
    public static string TamperedPayload(string userId)
    {
        var parts = Customer(userId).Split('.');
        var payload = JsonNode.Parse(Base64UrlEncoder.Decode(parts[1]))!.AsObject();
        payload["role"] = new JsonArray("customer", "admin");
        return $"{parts[0]}.{Base64UrlEncoder.Encode(payload.ToJsonString())}.{parts[2]}";
    }

    /// <summary>
    /// The key-confusion attack: HS256 with the public key's PEM text as the HMAC secret. A validator that picks the
    /// algorithm from the header and uses "the key" as bytes accepts it.
    /// </summary>
    public static string Hs256SignedWithPublicKey(string userId, params string[] roles)
    {
        var secret = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(PublicKeyPem)) { KeyId = KeyId };
        var now = DateTime.UtcNow;
        return Sign(new SigningCredentials(secret, SecurityAlgorithms.HmacSha256), Descriptor(userId, roles, null, null, null, null, now, now.AddMinutes(15)));
    }

    /// <summary>Signed by the right key but expired well beyond any clock skew.</summary>
    public static string Expired(string userId, params string[] roles)
    {
        var now = DateTime.UtcNow;
        return Sign(SigningKey(Key, KeyId), Descriptor(userId, roles, null, null, null, null, now.AddHours(-1), now.AddMinutes(-5)));
    }

    /// <summary>Not valid yet (issued for later), beyond any clock skew.</summary>
    public static string NotYetValid(string userId, params string[] roles)
    {
        var now = DateTime.UtcNow;
        return Sign(SigningKey(Key, KeyId), Descriptor(userId, roles, null, null, null, null, now.AddMinutes(5), now.AddMinutes(20)));
    }

    public static string WrongAudience(string userId, params string[] roles) => Create(userId, roles, audience: "some-other-api");

    public static string WrongIssuer(string userId, params string[] roles) => Create(userId, roles, issuer: "https://evil.example");

    /// <summary>Signed by a key the platform never published, under the real key's <c>kid</c>.</summary>
    public static string SignedByAnotherKey(string userId, params string[] roles)
    {
        var now = DateTime.UtcNow;
        return Sign(SigningKey(OtherKey, KeyId), Descriptor(userId, roles, null, null, null, null, now, now.AddMinutes(15)));
    }

    /// <summary>A token without an <c>exp</c> claim: one that would never expire.</summary>
    public static string WithoutExpiry(string userId, params string[] roles)
    {
        var descriptor = Descriptor(userId, roles, null, null, null, null, DateTime.UtcNow, null);
        return Sign(SigningKey(Key, KeyId), descriptor);
    }

    private static SecurityTokenDescriptor Descriptor(
        string userId, IEnumerable<string> roles, string? email, string? name, string? issuer, string? audience, DateTime notBefore, DateTime? expires)
    {
        var claims = new Dictionary<string, object>
        {
            ["sub"] = userId,
            ["email"] = email ?? $"{userId}@example.test",
            ["name"] = name ?? "Test User",
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["role"] = roles.ToArray(),
        };
        return new SecurityTokenDescriptor
        {
            Issuer = issuer ?? Issuer,
            Audience = audience ?? Audience,
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            Claims = claims,
        };
    }

    private static SigningCredentials SigningKey(RSA rsa, string kid) =>
        new(new RsaSecurityKey(rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256);

    private static string Sign(SigningCredentials credentials, SecurityTokenDescriptor descriptor)
    {
        descriptor.SigningCredentials = credentials;
        return Handler.CreateToken(descriptor);
    }

    private static string Payload(string token) => token.Split('.')[1];

    private static string CreateJwks()
    {
        var parameters = Key.ExportParameters(includePrivateParameters: false);
        var jwk = new
        {
            kty = "RSA",
            use = "sig",
            alg = SecurityAlgorithms.RsaSha256,
            kid = KeyId,
            n = Base64UrlEncoder.Encode(parameters.Modulus),
            e = Base64UrlEncoder.Encode(parameters.Exponent),
        };
        return JsonSerializer.Serialize(new { keys = new[] { jwk } });
    }
}
