using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace DaprPlatform.ServiceDefaults;

/// <summary>401 and 403 answered as RFC 7807 problem details, like every other error of the platform.</summary>
internal sealed class ProblemDetailsJwtBearerEvents : JwtBearerEvents
{
    public ProblemDetailsJwtBearerEvents()
    {
        OnChallenge = ChallengeAsync;
        OnForbidden = ForbiddenAsync;
    }

    private static async Task ChallengeAsync(JwtBearerChallengeContext context)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.HandleResponse();
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        // Why a token was refused stays in the log: the caller learns only that it was (RFC 6750).
        context.Response.Headers[HeaderNames.WWWAuthenticate] = context.AuthenticateFailure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await WriteAsync(context.HttpContext, context.AuthenticateFailure is null ? "Authentication is required" : "The access token is not valid");
    }

    private static Task ForbiddenAsync(ForbiddenContext context) =>
        context.Response.HasStarted ? Task.CompletedTask : WriteAsync(context.HttpContext, "The user may not do this");

    private static async Task WriteAsync(HttpContext http, string title)
    {
        var problems = http.RequestServices.GetService<IProblemDetailsService>();
        if (problems is not null)
        {
            await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                ProblemDetails = { Status = http.Response.StatusCode, Title = title },
            });
        }
    }
}
