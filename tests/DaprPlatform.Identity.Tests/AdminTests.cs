using System.Net;
using System.Net.Http.Json;
using System.Text;
using DaprPlatform.Identity.Apis;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.JsonWebTokens;

namespace DaprPlatform.Identity.Tests;

public sealed class AdminTests(IdentityApp identity) : IClassFixture<IdentityApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_admin_account_is_seeded_from_the_settings_with_the_admin_role()
    {
        var tokens = await identity.LoginAsync(IdentityApp.AdminEmail, IdentityApp.AdminPassword);

        Assert.Equal(["admin"], new JsonWebToken(tokens.AccessToken).Claims.Where(c => c.Type == "role").Select(c => c.Value));
        using var users = await identity.SendAsync(HttpMethod.Get, "/users", tokens.AccessToken);
        Assert.Equal(HttpStatusCode.OK, users.StatusCode);
        Assert.Contains((await users.Content.ReadFromJsonAsync<UserPage>(Ct))!.Items, u => u.Email == IdentityApp.AdminEmail && u.Roles.SequenceEqual(["admin"]));
    }

    [Theory]
    [InlineData("GET", "/users")]
    [InlineData("GET", "/users/someone")]
    [InlineData("PUT", "/users/someone/roles")]
    public async Task Admin_routes_are_403_for_a_customer_and_401_without_a_token(string method, string url)
    {
        var (_, customer) = await identity.NewCustomerAsync();
        var body = new { roles = new[] { "admin" } };

        using var forbidden = await identity.SendAsync(new HttpMethod(method), url, customer.AccessToken, method == "PUT" ? body : null);
        using var anonymous = await identity.SendAsync(new HttpMethod(method), url, null, method == "PUT" ? body : null);

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task An_admin_sets_a_users_roles_and_the_next_refresh_carries_them()
    {
        var admin = await identity.LoginAsync(IdentityApp.AdminEmail, IdentityApp.AdminPassword);
        var (user, customer) = await identity.NewCustomerAsync();

        using var set = await identity.SendAsync(HttpMethod.Put, $"/users/{user.UserId}/roles", admin.AccessToken, new { roles = new[] { "customer", "admin" } });
        using var refresh = await identity.RefreshAsync(customer.RefreshToken);
        var refreshed = (await refresh.Content.ReadFromJsonAsync<Identity.Tokens.TokenResponse>(Ct))!;
        using var users = await identity.SendAsync(HttpMethod.Get, "/users", refreshed.AccessToken);

        Assert.Equal(HttpStatusCode.OK, set.StatusCode);
        Assert.Equal(["admin", "customer"], (await set.Content.ReadFromJsonAsync<UserItem>(Ct))!.Roles);
        Assert.Equal(["admin", "customer"], new JsonWebToken(refreshed.AccessToken).Claims.Where(c => c.Type == "role").Select(c => c.Value).Order());
        Assert.Equal(HttpStatusCode.OK, users.StatusCode);
    }

    [Theory]
    [InlineData("""{"roles":["superuser"]}""")]
    [InlineData("""{"roles":["admin","admin"]}""")]
    [InlineData("""{"roles":[null]}""")]
    [InlineData("""{"roles":"admin"}""")]
    [InlineData("{}")]
    [InlineData("not json")]
    public async Task Bad_roles_are_a_400_problem_and_change_nothing(string body)
    {
        var admin = await identity.LoginAsync(IdentityApp.AdminEmail, IdentityApp.AdminPassword);
        var (user, _) = await identity.NewCustomerAsync();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/users/{user.UserId}/roles") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new("Bearer", admin.AccessToken);

        using var response = await identity.Client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["customer"], await RolesAsync(user.UserId));
    }

    [Fact]
    public async Task Setting_roles_of_an_unknown_user_is_404()
    {
        var admin = await identity.LoginAsync(IdentityApp.AdminEmail, IdentityApp.AdminPassword);

        using var response = await identity.SendAsync(HttpMethod.Put, $"/users/{Guid.NewGuid()}/roles", admin.AccessToken, new { roles = new[] { "customer" } });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_user_list_pages_and_refuses_bad_paging()
    {
        var admin = await identity.LoginAsync(IdentityApp.AdminEmail, IdentityApp.AdminPassword);
        await identity.NewCustomerAsync();
        await identity.NewCustomerAsync();

        using var page = await identity.SendAsync(HttpMethod.Get, "/users?page=1&pageSize=1", admin.AccessToken);
        using var bad = await identity.SendAsync(HttpMethod.Get, "/users?pageSize=1000", admin.AccessToken);

        var users = (await page.Content.ReadFromJsonAsync<UserPage>(Ct))!;
        Assert.Single(users.Items);
        Assert.True(users.Total >= 3);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    private Task<List<string>> RolesAsync(string userId) =>
        identity.QueryAsync(db => db.UserRoles.Where(ur => ur.UserId == userId)
            .Join(db.Roles, ur => ur.RoleId, r => r.Id, (_, r) => r.Name!).OrderBy(n => n).ToListAsync(Ct));
}
