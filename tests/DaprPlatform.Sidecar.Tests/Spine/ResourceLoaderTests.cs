using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Resources;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Spine;

public sealed class ResourceLoaderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("daprplatform-loader-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Loads_components_with_secret_and_env_references_and_auth()
    {
        Write("state.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: statestore
            spec:
              type: state.redis
              version: v1
              initTimeout: 2s
              metadata:
              - name: redisHost
                envRef: REDIS_HOST
              - name: redisPassword
                secretKeyRef:
                  name: redis
                  key: password
              - name: actorStateStore
                value: "true"
            auth:
              secretStore: localsecrets
            """);

        var component = Assert.Single(Load("orders").Components);

        Assert.Equal(("statestore", "state.redis", "v1", "state"), (component.Name, component.Type, component.Version, component.Category));
        Assert.Equal(TimeSpan.FromSeconds(2), component.InitTimeout);
        Assert.Equal("localsecrets", component.AuthSecretStore);
        Assert.Equal("REDIS_HOST", component.Metadata[0].EnvRef);
        Assert.Equal(new SecretKeyRef("redis", "password"), component.Metadata[1].SecretKeyRef);
        Assert.Equal("true", component.Metadata[2].Value);
    }

    [Fact]
    public void Skips_resources_of_other_apps_and_namespaces()
    {
        Write("a.yaml", Component("scoped-in", scopes: "[orders]"));
        Write("b.yaml", Component("scoped-out", scopes: "[payments]"));
        Write("c.yaml", Component("other-ns", ns: "production"));
        Write("d.yaml", Component("same-ns", ns: "default"));
        Write("ignored.txt", "not yaml at all: [");

        var names = Load("orders").Components.Select(c => c.Name).Order().ToList();

        Assert.Equal(["same-ns", "scoped-in"], names);
    }

    [Fact]
    public void Reads_several_documents_per_file()
    {
        Write("all.yaml", Component("one") + "\n---\n" + Component("two"));

        Assert.Equal(["one", "two"], Load("x").Components.Select(c => c.Name));
    }

    [Theory]
    [InlineData("apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: s\nspec:\n  version: v1\n", "spec.type", "is required")]
    [InlineData("apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: s\nspec:\n  type: state.redis\n", "spec.version", "is required")]
    [InlineData("apiVersion: dapr.io/v1alpha1\nkind: Component\nspec:\n  type: state.redis\n  version: v1\n", "metadata.name", "is required")]
    [InlineData("apiVersion: dapr.io/v9\nkind: Component\nmetadata:\n  name: s\nspec:\n  type: state.redis\n  version: v1\n", "apiVersion", "not supported")]
    [InlineData("apiVersion: dapr.io/v1alpha1\nkind: Gadget\nmetadata:\n  name: s\n", "kind", "unknown resource kind 'Gadget'")]
    [InlineData("apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: s\nspec:\n  type: state.redis\n  version: v1\n  metadata:\n  - name: redisHost\n", "spec.metadata[0]", "needs value, secretKeyRef or envRef")]
    [InlineData("apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: s\nspec:\n  type: state.redis\n  version: v1\n  initTimeout: soon\n", "spec.initTimeout", "not a duration")]
    [InlineData("kind: Component\nmetadata: [unclosed\n", "line", "invalid YAML")]
    public void Names_the_file_and_field_of_an_invalid_component(string yaml, string field, string problem)
    {
        var path = Write("bad.yaml", yaml);

        var e = Assert.Throws<ResourceException>(() => Load("x"));

        Assert.StartsWith(path, e.File, StringComparison.Ordinal);
        Assert.StartsWith(field, e.Field, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_duplicate_component_names()
    {
        Write("a.yaml", Component("same"));
        Write("b.yaml", Component("same"));

        var e = Assert.Throws<ResourceException>(() => Load("x"));

        Assert.Equal("metadata.name", e.Field);
        Assert.Contains("duplicate component name 'same'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loads_v2_subscriptions_with_rules_and_v1_with_a_route()
    {
        Write("subs.yaml", """
            apiVersion: dapr.io/v2alpha1
            kind: Subscription
            metadata:
              name: orders
            spec:
              pubsubname: pubsub
              topic: orders
              routes:
                rules:
                - match: event.type == "widget"
                  path: /widgets
                default: /orders
              deadLetterTopic: poison
              metadata:
                rawPayload: "true"
            ---
            apiVersion: dapr.io/v1alpha1
            kind: Subscription
            metadata:
              name: legacy
            spec:
              pubsubname: pubsub
              topic: legacy
              route: /legacy
            """);

        var subscriptions = Load("x").Subscriptions;

        var v2 = subscriptions.Single(s => s.Name == "orders");
        Assert.Equal([new RouteRule("event.type == \"widget\"", "/widgets")], v2.Rules);
        Assert.Equal(("/orders", "poison", "true"), (v2.DefaultRoute, v2.DeadLetterTopic, v2.Metadata["rawPayload"]));
        Assert.Equal("/legacy", subscriptions.Single(s => s.Name == "legacy").DefaultRoute);
    }

    [Theory]
    [InlineData("routes:\n    rules:\n    - match: event.type ==\n      path: /x\n", "spec.routes.rules[0].match")]
    [InlineData("routes:\n    rules:\n    - path: /x\n", "spec.routes.rules[0]")]
    [InlineData("deadLetterTopic: x\n", "spec.routes")]
    public void Names_the_field_of_an_invalid_subscription(string specTail, string field)
    {
        Write("sub.yaml", $"apiVersion: dapr.io/v2alpha1\nkind: Subscription\nmetadata:\n  name: s\nspec:\n  pubsubname: p\n  topic: t\n  {specTail}");

        var e = Assert.Throws<ResourceException>(() => Load("x"));

        Assert.Equal(field, e.Field);
    }

    [Fact]
    public void Loads_resiliency_policies_and_targets()
    {
        Write("resiliency.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Resiliency
            metadata:
              name: myresiliency
            spec:
              policies:
                timeouts:
                  general: 5s
                retries:
                  important:
                    policy: exponential
                    duration: 100ms
                    maxInterval: 2s
                    maxRetries: 4
                    matching:
                      httpStatusCodes: "500-599"
                circuitBreakers:
                  cb:
                    maxRequests: 1
                    timeout: 30s
                    trip: consecutiveFailures > 3
              targets:
                apps:
                  payments:
                    timeout: general
                    retry: important
                    circuitBreaker: cb
                components:
                  pubsub:
                    inbound:
                      retry: important
            """);

        var resiliency = Assert.Single(Load("x").Resiliencies);

        Assert.Equal(TimeSpan.FromSeconds(5), resiliency.Timeouts["general"]);
        Assert.Equal(new RetryPolicySpec("exponential", TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(2), 4, "500-599", null), resiliency.Retries["important"]);
        Assert.Equal(new CircuitBreakerSpec(1, TimeSpan.Zero, TimeSpan.FromSeconds(30), "consecutiveFailures > 3"), resiliency.CircuitBreakers["cb"]);
        Assert.Equal(new TargetPolicyNames("general", "important", "cb"), resiliency.Apps["payments"]);
        Assert.Equal("important", resiliency.Components["pubsub"].Inbound!.Retry);
        Assert.Null(resiliency.Components["pubsub"].Outbound);
    }

    [Fact]
    public void Rejects_a_target_naming_a_missing_policy()
    {
        Write("r.yaml", "apiVersion: dapr.io/v1alpha1\nkind: Resiliency\nmetadata:\n  name: r\nspec:\n  policies: {}\n  targets:\n    apps:\n      a:\n        retry: nope\n");

        var e = Assert.Throws<ResourceException>(() => Load("x"));

        Assert.Equal("spec.targets.apps.a.retry", e.Field);
    }

    [Fact]
    public void Loads_the_configuration_file()
    {
        var path = Write("config.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Configuration
            metadata:
              name: appconfig
            spec:
              tracing:
                samplingRate: "1"
              secrets:
                scopes:
                - storeName: localsecrets
                  defaultAccess: deny
                  allowedSecrets: [db]
              accessControl:
                defaultAction: deny
                policies:
                - appId: gateway
                  defaultAction: allow
            """);

        var configuration = ResourceLoader.LoadConfiguration(path);

        Assert.Equal(1.0, configuration.TracingSamplingRate);
        Assert.Equal(("localsecrets", "deny"), (configuration.SecretScopes.Single().StoreName, configuration.SecretScopes.Single().DefaultAccess));
        Assert.Equal(["db"], configuration.SecretScopes.Single().AllowedSecrets);
        Assert.Equal("deny", configuration.AccessControlDefaultAction);
        Assert.Equal("gateway", configuration.AccessControlPolicies.Single().AppId);
    }

    [Fact]
    public void Names_a_bad_sampling_rate()
    {
        var path = Write("config.yaml", "apiVersion: dapr.io/v1alpha1\nkind: Configuration\nmetadata:\n  name: c\nspec:\n  tracing:\n    samplingRate: lots\n");

        var e = Assert.Throws<ResourceException>(() => ResourceLoader.LoadConfiguration(path));

        Assert.Equal("spec.tracing.samplingRate", e.Field);
    }

    private LoadedResources Load(string appId) =>
        ResourceLoader.Load(new SidecarOptions { AppId = appId, ResourcesPaths = [_dir] });

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static string Component(string name, string? scopes = null, string? ns = null) =>
        $"apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n" + (ns is null ? "" : $"  namespace: {ns}\n")
        + "spec:\n  type: state.in-memory\n  version: v1\n" + (scopes is null ? "" : $"scopes: {scopes}\n");
}
