using DaprPlatform.Sidecar.Resources;
using DaprPlatform.Sidecar.Runtime.Resiliency;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Resiliency;

/// <summary>Which policy applies to which target: targets first, then Default*Policy names, plus the built-ins.</summary>
public sealed class ResiliencyProviderTests
{
    private static RetryPolicySpec Retry(int maxRetries, string? http = null) =>
        new("constant", TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(60), maxRetries, http, null);

    private static CircuitBreakerSpec Breaker(string trip = "consecutiveFailures > 5") => new(1, TimeSpan.Zero, TimeSpan.FromSeconds(60), trip);

    private static ResiliencyResource Resource(
        Dictionary<string, TimeSpan>? timeouts = null,
        Dictionary<string, RetryPolicySpec>? retries = null,
        Dictionary<string, CircuitBreakerSpec>? breakers = null,
        Dictionary<string, TargetPolicyNames>? apps = null,
        Dictionary<string, ComponentTargetPolicies>? components = null,
        string name = "resiliency") =>
        new(name, null, timeouts ?? [], retries ?? [], breakers ?? [], apps ?? [], components ?? [], [], "resiliency.yaml");

    private static ResiliencyProvider Provider(params ResiliencyResource[] resources)
    {
        var components = new List<ComponentResource>
        {
            new("store", null, "state.redis", "v1", TimeSpan.FromSeconds(5), false, [], null, [], "store.yaml"),
            new("bus", null, "pubsub.rabbitmq", "v1", TimeSpan.FromSeconds(5), false, [], null, [], "bus.yaml"),
        };
        return new ResiliencyProvider(new LoadedResources(components, [], resources, ConfigurationResource.Default), TimeProvider.System, null, NullLogger<ResiliencyProvider>.Instance);
    }

    private static ResiliencyPolicy Policy(IResiliencyPolicy policy) => Assert.IsType<ResiliencyPolicy>(policy);

    [Fact]
    public void Without_resources_everything_runs_once()
    {
        var provider = Provider();

        Assert.Same(NoResiliency.Instance, provider.App("orders", "new"));
        Assert.Same(NoResiliency.Instance, provider.ComponentOutbound("store"));
        Assert.Same(NoResiliency.Instance, provider.ComponentInbound("bus"));
        Assert.False(provider.HasAppTarget("orders"));
    }

    [Fact]
    public void App_target_gets_its_named_policies()
    {
        var provider = Provider(Resource(
            timeouts: new() { ["fast"] = TimeSpan.FromSeconds(2) },
            retries: new() { ["three"] = Retry(3) },
            apps: new() { ["orders"] = new TargetPolicyNames("fast", "three", null) }));

        var policy = Policy(provider.App("orders", "new"));

        Assert.True(provider.HasAppTarget("orders"));
        Assert.Equal(TimeSpan.FromSeconds(2), policy.Timeout);
        Assert.Equal(3, policy.Retry!.MaxRetries);
        Assert.True(policy.HasRetries);
        Assert.Null(policy.Breaker);
    }

    [Fact]
    public void Inline_duration_is_a_timeout()
    {
        var provider = Provider(Resource(apps: new() { ["orders"] = new TargetPolicyNames("750ms", null, null) }));

        Assert.Equal(TimeSpan.FromMilliseconds(750), Policy(provider.App("orders")).Timeout);
    }

    [Fact]
    public void Untargeted_app_uses_default_app_policies_before_the_general_default()
    {
        var provider = Provider(Resource(
            timeouts: new() { ["DefaultTimeoutPolicy"] = TimeSpan.FromSeconds(9) },
            retries: new() { ["DefaultRetryPolicy"] = Retry(1), ["DefaultAppRetryPolicy"] = Retry(7) }));

        var policy = Policy(provider.App("anyone", "x"));

        Assert.Equal(7, policy.Retry!.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(9), policy.Timeout);
        Assert.False(provider.HasAppTarget("anyone"));
    }

    [Fact]
    public void Circuit_breakers_are_per_endpoint()
    {
        var provider = Provider(Resource(
            breakers: new() { ["cb"] = Breaker() },
            apps: new() { ["orders"] = new TargetPolicyNames(null, null, "cb") }));

        var first = Policy(provider.App("orders", "a")).Breaker;
        var again = Policy(provider.App("orders", "a")).Breaker;
        var other = Policy(provider.App("orders", "b")).Breaker;

        Assert.Same(first, again);
        Assert.NotSame(first, other);
        Assert.Equal("orders:a", first!.Name);
    }

    [Fact]
    public void Component_targets_are_by_direction_without_falling_back_to_defaults()
    {
        var provider = Provider(Resource(
            retries: new() { ["out"] = Retry(2), ["in"] = Retry(4), ["DefaultRetryPolicy"] = Retry(9) },
            components: new()
            {
                ["store"] = new ComponentTargetPolicies(new TargetPolicyNames(null, "out", null), null),
                ["bus"] = new ComponentTargetPolicies(null, new TargetPolicyNames(null, "in", null)),
            }));

        Assert.Equal(2, Policy(provider.ComponentOutbound("store")).Retry!.MaxRetries);
        Assert.Same(NoResiliency.Instance, provider.ComponentInbound("store"));
        Assert.Equal(4, Policy(provider.ComponentInbound("bus")).Retry!.MaxRetries);
        Assert.Same(NoResiliency.Instance, provider.ComponentOutbound("bus"));
    }

    [Fact]
    public void Untargeted_components_use_the_most_specific_default()
    {
        var provider = Provider(Resource(retries: new()
        {
            ["DefaultStatestoreComponentOutboundRetryPolicy"] = Retry(1),
            ["DefaultComponentInboundRetryPolicy"] = Retry(2),
            ["DefaultComponentRetryPolicy"] = Retry(3),
            ["DefaultRetryPolicy"] = Retry(4),
        }));

        Assert.Equal(1, Policy(provider.ComponentOutbound("store")).Retry!.MaxRetries);
        Assert.Equal(2, Policy(provider.ComponentInbound("bus")).Retry!.MaxRetries);
        Assert.Equal(3, Policy(provider.ComponentOutbound("bus")).Retry!.MaxRetries);
        Assert.Equal(4, Policy(provider.App("orders")).Retry!.MaxRetries);
    }

    [Fact]
    public void Component_breaker_is_shared_by_both_directions()
    {
        var provider = Provider(Resource(
            breakers: new() { ["cb"] = Breaker() },
            components: new() { ["bus"] = new ComponentTargetPolicies(new TargetPolicyNames(null, null, "cb"), new TargetPolicyNames(null, null, "cb")) }));

        Assert.Same(Policy(provider.ComponentOutbound("bus")).Breaker, Policy(provider.ComponentInbound("bus")).Breaker);
    }

    [Fact]
    public void Later_resources_override_same_named_policies()
    {
        var provider = Provider(
            Resource(retries: new() { ["r"] = Retry(1) }, apps: new() { ["orders"] = new TargetPolicyNames(null, "r", null) }, name: "first"),
            Resource(retries: new() { ["r"] = Retry(5) }, name: "second"));

        Assert.Equal(5, Policy(provider.App("orders")).Retry!.MaxRetries);
    }

    [Fact]
    public void Built_in_service_retries_are_three_one_second_apart_and_overrides_keep_at_least_three()
    {
        var builtIn = Policy(Provider().BuiltIn(BuiltInRetries.ServiceRetries)).Retry!;
        Assert.Equal((3, TimeSpan.FromSeconds(1), false), (builtIn.MaxRetries, builtIn.Duration, builtIn.Exponential));

        var overridden = Provider(Resource(retries: new()
        {
            [BuiltInRetries.ServiceRetries] = Retry(1),
            [BuiltInRetries.ActorNotFoundRetries] = Retry(20),
        }));
        Assert.Equal(3, Policy(overridden.BuiltIn(BuiltInRetries.ServiceRetries)).Retry!.MaxRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(10), Policy(overridden.BuiltIn(BuiltInRetries.ServiceRetries)).Retry!.Duration);
        // The protected policy keeps its defaults whatever a resource says.
        Assert.Equal(5, Policy(overridden.BuiltIn(BuiltInRetries.ActorNotFoundRetries)).Retry!.MaxRetries);
    }

    [Fact]
    public void Malformed_policies_stop_start_up()
    {
        Assert.Throws<ResourceException>(() => Provider(Resource(retries: new() { ["bad"] = Retry(3, "600") })));
        Assert.Throws<ResourceException>(() => Provider(Resource(breakers: new() { ["bad"] = Breaker("consecutiveFailures >") })));
    }
}
