using System.Net.Mail;
using System.Security.Claims;
using DaprPlatform.Identity.Accounts;
using DaprPlatform.Identity.Model;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;

namespace DaprPlatform.Identity.Apis;

public sealed record RegisterRequest(string? Email, string? Password, string? Name);

public sealed record RegisteredUser(string UserId, string Email, string Name);

public sealed record Profile(string UserId, string Email, string Name, IReadOnlyList<string> Roles);

/// <summary>Registration (anonymous) and the caller's own profile.</summary>
public static class AccountApi
{
    public const int MaxEmailLength = 256;
    public const int MaxPasswordLength = 128;

    public static RouteGroupBuilder MapAccountApi(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/").WithTags("Account");
        account.MapPost("/register", RegisterAsync).AllowAnonymous();
        account.MapGet("/me", GetMeAsync).RequireAuthorization();
        return account;
    }

    public static async Task<Results<Created<RegisteredUser>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        RegisterRequest request, UserRegistration registration, CancellationToken ct)
    {
        if (Validate(request) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var result = await registration.RegisterAsync(request.Email!.Trim(), request.Password!, request.Name!.Trim(), ct);
        return result.Outcome switch
        {
            RegistrationOutcome.Registered => TypedResults.Created((string?)null, new RegisteredUser(result.User!.Id, result.User.Email!, result.User.Name)),
            RegistrationOutcome.DuplicateEmail => TypedResults.Problem(
                title: "An account with this email exists", statusCode: StatusCodes.Status409Conflict),
            _ => TypedResults.ValidationProblem(result.Errors!),
        };
    }

    public static async Task<Results<Ok<Profile>, ProblemHttpResult>> GetMeAsync(ClaimsPrincipal principal, UserManager<ApplicationUser> users) =>
        await users.FindByIdAsync(principal.UserId()) is { } user
            ? TypedResults.Ok(new Profile(user.Id, user.Email!, user.Name, [.. (await users.GetRolesAsync(user)).Order()]))
            : TypedResults.Problem(title: "The account no longer exists", statusCode: StatusCodes.Status404NotFound);

    private static Dictionary<string, string[]> Validate(RegisterRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        var email = request.Email?.Trim();
        // MailAddress alone accepts display names ("Name <a@b.c>"): the address must be all there is.
        if (string.IsNullOrEmpty(email) || email.Length > MaxEmailLength
            || !MailAddress.TryCreate(email, out var address) || address.Address != email || !address.Host.Contains('.'))
        {
            errors["email"] = [$"a valid email address of at most {MaxEmailLength} characters is required"];
        }

        if (string.IsNullOrEmpty(request.Password) || request.Password.Length > MaxPasswordLength)
        {
            errors["password"] = [$"a password of at most {MaxPasswordLength} characters is required"];
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Trim().Length > ApplicationUser.MaxNameLength)
        {
            errors["name"] = [$"a name of 1 to {ApplicationUser.MaxNameLength} characters is required"];
        }

        return errors;
    }
}
