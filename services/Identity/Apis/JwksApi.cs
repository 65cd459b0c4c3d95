using DaprPlatform.Identity.Tokens;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprPlatform.Identity.Apis;

public sealed record JsonWebKeySetResponse(IReadOnlyList<PublicJsonWebKey> Keys);

/// <summary>The public keys access tokens are verified with, for the gateway and the services (RFC 7517 key set).</summary>
public static class JwksApi
{
    public const string Path = "/.well-known/jwks.json";

    public static RouteHandlerBuilder MapJwksApi(this IEndpointRouteBuilder app) =>
        app.MapGet(Path, (TokenSigningKey key) => TypedResults.Ok(new JsonWebKeySetResponse([key.PublicKey])))
            .AllowAnonymous()
            .WithTags("Keys");
}
