using Microsoft.AspNetCore.Routing.Matching;

namespace DaprPlatform.Sidecar.Hosting;

/// <summary>Endpoint metadata: the endpoint answers only requests that arrived on this local port.</summary>
public sealed record LocalPortMetadata(int Port);

/// <summary>
/// Routes by the port a request arrived on, as daprd's separate listeners do. The Host header cannot be used for
/// that: behind a port mapping, a port-forward or a reverse proxy that keeps the client's Host it names another
/// port, or none.
/// </summary>
public static class LocalPortRouting
{
    public static TBuilder RequireLocalPort<TBuilder>(this TBuilder builder, int port) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(new LocalPortMetadata(port));
}

/// <summary>Drops candidate endpoints whose <see cref="LocalPortMetadata"/> names another port than the connection's.</summary>
internal sealed class LocalPortMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    // Before the HTTP-method and gRPC policies, so a request on the wrong port never reaches their 405/415 answers.
    public override int Order => -1000;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints)
    {
        foreach (var endpoint in endpoints)
        {
            if (endpoint.Metadata.GetMetadata<LocalPortMetadata>() is not null)
            {
                return true;
            }
        }

        return false;
    }

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var port = httpContext.Connection.LocalPort;
        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i) && candidates[i].Endpoint.Metadata.GetMetadata<LocalPortMetadata>() is { } required && required.Port != port)
            {
                candidates.SetValidity(i, false);
            }
        }

        return Task.CompletedTask;
    }
}
