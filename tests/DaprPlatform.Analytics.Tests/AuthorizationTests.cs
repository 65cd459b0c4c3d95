using System.Net;
using DaprPlatform.Testing;

namespace DaprPlatform.Analytics.Tests;

/// <summary>Who may read which read model: a customer their own numbers, an admin everything, nobody anonymously.</summary>
public sealed class AuthorizationTests(AnalyticsApp analytics) : IClassFixture<AnalyticsApp>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string?, string, HttpStatusCode> Matrix => new()
    {
        { null, "/customers/alice", HttpStatusCode.Unauthorized },
        { null, "/products/revenue", HttpStatusCode.Unauthorized },
        { null, "/orders/outcomes", HttpStatusCode.Unauthorized },
        { "alice", "/customers/alice", HttpStatusCode.OK },
        { "alice", "/customers/bob", HttpStatusCode.Forbidden },
        { "alice", "/products/revenue", HttpStatusCode.Forbidden },
        { "alice", "/orders/outcomes", HttpStatusCode.Forbidden },
        { "admin", "/customers/bob", HttpStatusCode.OK },
        { "admin", "/products/revenue", HttpStatusCode.OK },
        { "admin", "/orders/outcomes", HttpStatusCode.OK },
    };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_read_model_answers_only_whom_it_belongs_to(string? caller, string route, HttpStatusCode expected)
    {
        using var client = analytics.CreateClient(caller switch
        {
            null => null,
            "admin" => TestTokens.Admin("admin-1"),
            _ => TestTokens.Customer(caller),
        });

        using var response = await client.GetAsync(route, Ct);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task A_token_signed_by_another_key_is_refused()
    {
        using var client = analytics.CreateClient(TestTokens.SignedByAnotherKey("alice", "customer"));

        using var response = await client.GetAsync("/customers/alice", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
