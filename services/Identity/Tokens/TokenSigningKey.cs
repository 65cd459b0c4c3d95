using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace DaprPlatform.Identity.Tokens;

/// <summary>The public half of the signing key as a JSON Web Key (RFC 7517), what the JWKS endpoint serves.</summary>
public sealed record PublicJsonWebKey(string Kty, string Use, string Alg, string Kid, string N, string E);

/// <summary>
/// The RSA key access tokens are signed with, read from configuration (the platform fills it from the secret store).
/// Its key id is the public key's RFC 7638 thumbprint, so every instance holding the same key names it the same way
/// and a new key gets a new id without anyone choosing one.
/// </summary>
public sealed class TokenSigningKey
{
    public const string ConfigurationKey = "Jwt:SigningKeyPem";
    public const int MinimumKeySize = 2048;

    private TokenSigningKey(RSA rsa)
    {
        var publicParameters = rsa.ExportParameters(includePrivateParameters: false);
        KeyId = Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(publicParameters)).ComputeJwkThumbprint());
        Credentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256);
        PublicKeyPem = rsa.ExportSubjectPublicKeyInfoPem();
        PublicKey = new PublicJsonWebKey("RSA", "sig", SecurityAlgorithms.RsaSha256, KeyId,
            Base64UrlEncoder.Encode(publicParameters.Modulus), Base64UrlEncoder.Encode(publicParameters.Exponent));
    }

    public string KeyId { get; }

    public SigningCredentials Credentials { get; }

    public string PublicKeyPem { get; }

    public PublicJsonWebKey PublicKey { get; }

    /// <summary>Reads the key, or refuses with an error that says what is missing (and never shows the key).</summary>
    public static TokenSigningKey FromConfiguration(IConfiguration configuration)
    {
        var pem = configuration[ConfigurationKey];
        if (string.IsNullOrWhiteSpace(pem))
        {
            throw new InvalidOperationException(
                $"{ConfigurationKey} is not set: identity signs access tokens with this RSA private key (PEM), which the platform loads from the secret store. Without it the service does not start.");
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(pem);
            // A public key imports as well; only signing tells it apart.
            rsa.ExportParameters(includePrivateParameters: true);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new InvalidOperationException($"{ConfigurationKey} is not an unencrypted RSA private key in PEM form.", e);
        }

        if (rsa.KeySize < MinimumKeySize)
        {
            var size = rsa.KeySize;
            rsa.Dispose();
            throw new InvalidOperationException($"{ConfigurationKey} is a {size}-bit RSA key; at least {MinimumKeySize} bits are required.");
        }

        return new TokenSigningKey(rsa);
    }
}
