using DaprPlatform.Sidecar.Resources;
using DaprPlatform.Sidecar.Runtime.Invocation;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Invocation;

/// <summary>daprd's access control evaluation: global default, per-app default, operation wildcards and verbs.</summary>
public sealed class AccessControlListTests
{
    private static AccessControlList? Acl(string? defaultAction, params AccessControlPolicy[] policies) =>
        AccessControlList.FromConfiguration(ConfigurationResource.Default with
        {
            AccessControlDefaultAction = defaultAction,
            AccessControlPolicies = policies,
            SourceFile = "config.yaml",
        });

    private static AccessControlPolicy Policy(string appId, string defaultAction, params AccessControlOperation[] operations) =>
        new(appId, defaultAction, "default", operations);

    private static AccessControlOperation Op(string name, string action, params string[] verbs) => new(name, verbs, action);

    private static bool Allowed(AccessControlList acl, string caller, string operation, string verb = "GET", string ns = "default") =>
        acl.IsAllowed(caller, ns, operation, verb, out _);

    [Fact]
    public void No_access_control_is_no_list()
    {
        Assert.Null(Acl(null));
    }

    [Theory]
    [InlineData("allow", true)]
    [InlineData("deny", false)]
    [InlineData("Allow", true)]
    public void Caller_without_policy_gets_the_global_default(string action, bool allowed)
    {
        var acl = Acl(action, Policy("known", "allow"))!;

        Assert.Equal(allowed, Allowed(acl, "stranger", "anything"));
        // A caller known by id but from another namespace is a stranger too.
        Assert.Equal(allowed, Allowed(acl, "known", "anything", ns: "other"));
    }

    [Fact]
    public void Policies_without_global_default_deny_strangers()
    {
        Assert.False(Allowed(Acl(null, Policy("known", "allow"))!, "stranger", "x"));
    }

    [Fact]
    public void Policy_default_applies_to_unlisted_operations()
    {
        var acl = Acl("deny", Policy("app1", "allow", Op("/admin", "deny", "*")))!;

        Assert.True(Allowed(acl, "app1", "orders"));
        Assert.False(Allowed(acl, "app1", "admin"));
        Assert.False(Allowed(acl, "app1", "admin/users", "POST"));
    }

    [Theory]
    [InlineData("op1", "GET", true)]
    [InlineData("op1", "POST", true)]
    [InlineData("op1", "DELETE", false)]
    [InlineData("OP1", "GET", true)]
    [InlineData("op1/sub", "GET", true)]
    [InlineData("op2/a", "PUT", true)]
    [InlineData("op2/a/b", "PUT", false)]
    [InlineData("op3/a/b/c", "GET", true)]
    [InlineData("items-42", "GET", true)]
    [InlineData("other", "GET", false)]
    public void Operations_match_by_path_wildcards_and_verb(string operation, string verb, bool allowed)
    {
        var acl = Acl("deny", Policy("app1", "deny",
            Op("/op1", "allow", "GET", "POST"),
            Op("op2/*", "allow", "*"),
            Op("/op3/**", "allow", "GET"),
            Op("/items-*", "allow", "GET")))!;

        Assert.Equal(allowed, Allowed(acl, "app1", operation, verb));
    }

    [Fact]
    public void Denial_names_caller_operation_and_verb()
    {
        var acl = Acl("deny")!;

        Assert.False(acl.IsAllowed("app1", "prod", "orders/1", "post", out var denial));
        Assert.Equal("access control policy has denied access to id: spiffe://public/ns/prod/app1 operation: orders/1 verb: POST", denial);
    }

    [Fact]
    public void Policy_without_namespace_stops_start_up()
    {
        var error = Assert.Throws<ResourceException>(() => Acl("deny", new AccessControlPolicy("app1", "allow", null, [])));
        Assert.Equal("spec.accessControl.policies[0].namespace", error.Field);
    }
}
