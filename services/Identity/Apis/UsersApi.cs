using DaprPlatform.Identity.Accounts;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.Identity.Model;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Identity.Apis;

public sealed record UserItem(string UserId, string Email, string Name, IReadOnlyList<string> Roles);

public sealed record UserPage(int Page, int PageSize, long Total, IReadOnlyList<UserItem> Items);

public sealed record SetRolesRequest(IReadOnlyList<string?>? Roles);

public sealed record UsersServices(IdentityContext Db, UserManager<ApplicationUser> Users, RoleAssignment RoleAssignment);

/// <summary>Administration (admin only): listing users and setting their roles.</summary>
public static class UsersApi
{
    public const int MaxPageSize = 100;

    public static RouteGroupBuilder MapUsersApi(this IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/users").WithTags("Users").RequireAuthorization(AuthorizationPolicies.Admin);
        users.MapGet("/", ListAsync);
        users.MapGet("/{id}", GetAsync);
        users.MapPut("/{id}/roles", SetRolesAsync);
        return users;
    }

    public static async Task<Results<Ok<UserPage>, ValidationProblem>> ListAsync(
        IdentityContext db, CancellationToken ct, [FromQuery] int page = 1, [FromQuery] int pageSize = 20)
    {
        if (page < 1 || pageSize is < 1 or > MaxPageSize)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["page"] = ["page is 1 or more"],
                ["pageSize"] = [$"pageSize is between 1 and {MaxPageSize}"],
            });
        }

        var total = await db.Users.LongCountAsync(ct);
        var items = await Project(db, db.Users.OrderBy(u => u.NormalizedEmail).ThenBy(u => u.Id).Skip((page - 1) * pageSize).Take(pageSize))
            .ToListAsync(ct);
        return TypedResults.Ok(new UserPage(page, pageSize, total, items));
    }

    public static async Task<Results<Ok<UserItem>, ProblemHttpResult>> GetAsync(string id, IdentityContext db, CancellationToken ct) =>
        await Project(db, db.Users.Where(u => u.Id == id)).SingleOrDefaultAsync(ct) is { } user
            ? TypedResults.Ok(user)
            : NoSuchUser(id);

    public static async Task<Results<Ok<UserItem>, ValidationProblem, ProblemHttpResult>> SetRolesAsync(
        string id, SetRolesRequest request, [AsParameters] UsersServices services, CancellationToken ct)
    {
        if (request.Roles is not { } requested || requested.Any(role => role is null || !IdentityRoles.All.Contains(role)) || requested.Distinct().Count() != requested.Count)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["roles"] = [$"a list of distinct roles, each one of: {string.Join(", ", IdentityRoles.All)}"],
            });
        }

        if (await services.Users.FindByIdAsync(id) is not { } user)
        {
            return NoSuchUser(id);
        }

        if (!await services.RoleAssignment.SetAsync(user, [.. requested.OfType<string>()], ct))
        {
            return TypedResults.Problem(title: "The user was changed at the same time; try again", statusCode: StatusCodes.Status409Conflict);
        }

        return TypedResults.Ok(await Project(services.Db, services.Db.Users.Where(u => u.Id == id)).SingleAsync(ct));
    }

    private static IQueryable<UserItem> Project(IdentityContext db, IQueryable<ApplicationUser> users) =>
        users.Select(u => new UserItem(u.Id, u.Email!, u.Name,
            db.UserRoles.Where(ur => ur.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).OrderBy(name => name).ToList()));

    private static ProblemHttpResult NoSuchUser(string id) =>
        TypedResults.Problem(title: "No such user", statusCode: StatusCodes.Status404NotFound, detail: $"user {id}");
}
