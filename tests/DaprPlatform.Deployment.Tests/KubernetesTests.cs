using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using DaprPlatform.Deployment.Tests.Support;
using DaprPlatform.Sidecar.Resources;

namespace DaprPlatform.Deployment.Tests;

/// <summary>k8s/: every overlay builds, every manifest is valid for its kind, and each describes dapr.yaml's platform.</summary>
public class KubernetesTests
{
    private const string Namespace = "daprplatform";
    private static readonly string[] StatelessApps = ["gateway", "identity", "catalog", "payments", "notifications", "analytics"];
    private readonly DaprRunFile _runFile = DaprRunFile.Load();

    public static TheoryData<string> Overlays() => new(Kustomize.Overlays);

    [Theory]
    [MemberData(nameof(Overlays))]
    public void The_overlay_builds(string overlay)
    {
        var manifests = Kustomize.Build(overlay).Require();
        Assert.True(manifests.Count > 0, $"k8s/overlays/{overlay}: kubectl kustomize produced no documents");
        var problems = new Problems();
        foreach (var m in manifests)
        {
            problems.Check(m.ApiVersion.Length > 0 && m.Kind.Length > 0 && m.Name.Length > 0, $"k8s/overlays/{overlay}: a document lacks apiVersion, kind or metadata.name: {m}");
        }

        problems.AssertNone($"k8s/overlays/{overlay}");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_kubernetes_document_reads_strictly_into_its_api_type(string overlay)
    {
        var build = Kustomize.Build(overlay);
        var problems = new Problems();
        var deserialize = typeof(k8s.KubernetesYaml).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Single(m => m.Name == "Deserialize" && m.IsGenericMethodDefinition && m.GetParameters() is [{ ParameterType: var p }, { ParameterType: var s }] && p == typeof(string) && s == typeof(bool));
        foreach (var manifest in build.Require().Where(m => !m.IsDapr))
        {
            if (!KubernetesTypes.Value.TryGetValue((manifest.ApiVersion, manifest.Kind), out var type))
            {
                problems.Add($"{build.Where}: {manifest}: {manifest.ApiVersion} {manifest.Kind} is not a Kubernetes API type");
                continue;
            }

            try
            {
                deserialize.MakeGenericMethod(type).Invoke(null, [manifest.YamlText, true]);
            }
            catch (TargetInvocationException e)
            {
                problems.Add($"{build.Where}: {manifest}: {e.InnerException?.Message}");
            }
        }

        problems.AssertNone(build.Where);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_kubernetes_document_validates_against_the_kubernetes_schemas(string overlay)
    {
        var build = Kustomize.Build(overlay);
        var documents = new JsonArray(build.Require().Where(m => !m.IsDapr).Select(m => m.Json.DeepClone()).ToArray());
        var testsDir = Repo.Path("tests", "DaprPlatform.Deployment.Tests");
        Assert.True(Directory.Exists(Path.Combine(testsDir, "node_modules", "kubernetes-models")), "tests/DaprPlatform.Deployment.Tests: run `npm ci` there first (test.sh does)");
        var result = ProcessRunner.Run("node", ["validate-kubernetes.mjs"], testsDir, documents.ToJsonString());
        Assert.True(result.ExitCode == 0, $"{build.Where}: invalid against the Kubernetes schemas (kubernetes-models):\n{result.StandardOutput}{result.StandardError}");
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_dapr_document_validates_against_its_crd_schema(string overlay)
    {
        var build = Kustomize.Build(overlay);
        var problems = new Problems();
        foreach (var manifest in build.Require().Where(m => m.IsDapr))
        {
            CrdValidation.Check(problems, build.Where, manifest.Json);
        }

        problems.AssertNone(build.Where);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_app_runs_with_its_sidecar_annotations_port_and_configuration(string overlay)
    {
        var build = Kustomize.Build(overlay);
        var manifests = build.Require();
        var problems = new Problems();
        var configurations = manifests.Where(m => m.IsDapr && m.Kind == "Configuration").Select(m => m.Name).ToHashSet();
        foreach (var app in _runFile.Apps)
        {
            var deployment = DeploymentOf(manifests, app.Id);
            if (deployment is null)
            {
                problems.Add($"{build.Where}: no Deployment whose pods carry dapr.io/app-id {app.Id}");
                continue;
            }

            var where = $"{build.Where}: Deployment '{deployment.Name}' (app '{app.Id}')";
            var annotations = deployment.Json.At("spec", "template", "metadata", "annotations");
            var expected = new Dictionary<string, string>
            {
                ["dapr.io/enabled"] = "true", ["dapr.io/app-id"] = app.Id, ["dapr.io/app-port"] = app.AppPort.ToString()!,
                ["dapr.io/config"] = app.Id, ["dapr.io/enable-metrics"] = "true", ["dapr.io/metrics-port"] = "9090",
                ["dapr.io/enable-app-health-check"] = "true", ["dapr.io/app-health-check-path"] = "/healthz",
            };
            foreach (var (key, value) in expected)
            {
                problems.Check(annotations.Str(key) == value, $"{where}: pod annotation {key} is '{annotations.Str(key)}', expected '{value}'");
            }

            problems.Check(configurations.Contains(annotations.Str("dapr.io/config") ?? ""), $"{where}: dapr.io/config names Configuration '{annotations.Str("dapr.io/config")}', which the overlay does not have");

            var container = AppContainer(deployment);
            var ports = container.At("ports").Items().Select(p => p.Str("containerPort")).ToList();
            problems.Check(ports.Contains(app.AppPort.ToString()), $"{where}: containerPort [{string.Join(", ", ports)}], dapr.yaml says {app.AppPort}");
            var env = Env(container);
            problems.Check(env.GetValueOrDefault("APP_PORT") == app.AppPort.ToString(), $"{where}: env APP_PORT is '{env.GetValueOrDefault("APP_PORT")}', dapr.yaml says {app.AppPort}");
            problems.Check(env.GetValueOrDefault("Dapr__SecretStore") == Platform.SecretStore, $"{where}: env Dapr__SecretStore is '{env.GetValueOrDefault("Dapr__SecretStore")}', expected {Platform.SecretStore}");

            var labels = deployment.Json.At("spec", "template", "metadata", "labels").Props().ToDictionary(p => p.Key, p => p.Value?.ToString());
            var service = manifests.Where(m => m.Kind == "Service").FirstOrDefault(s => Selects(s.Json.At("spec", "selector"), labels));
            problems.Check(service is not null, $"{where}: no Service selects its pods");
            // A targetPort may name a container port; resolved, some port must be the app port on both sides.
            var namedPorts = container.At("ports").Items().Where(p => p.Str("name") is not null).ToDictionary(p => p.Str("name")!, p => p.Str("containerPort"));
            var servicePorts = service?.Json.At("spec", "ports").Items()
                .Select(p => (Port: p.Str("port"), Target: p.Str("targetPort") is { } t ? namedPorts.GetValueOrDefault(t, t) : p.Str("port"))).ToList() ?? [];
            problems.Check(service is null || servicePorts.Any(p => p.Port == app.AppPort.ToString() && p.Target == app.AppPort.ToString()),
                $"{where}: Service '{service?.Name}' ports [{string.Join(", ", servicePorts.Select(p => $"{p.Port}->{p.Target}"))}]; expected {app.AppPort}->{app.AppPort}");
        }

        foreach (var extra in manifests.Where(m => m.Kind == "Deployment").Select(d => d.Json.Str("spec", "template", "metadata", "annotations", "dapr.io/app-id")).OfType<string>().Where(id => _runFile.Apps.All(a => a.Id != id)))
        {
            problems.Add($"{build.Where}: a Deployment runs app id '{extra}', which dapr.yaml does not have");
        }

        problems.AssertNone(build.Where);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_app_loads_the_components_its_code_uses_as_the_run_file_defines_them(string overlay)
    {
        var build = Kustomize.Build(overlay);
        using var documents = new DaprDocuments(build);
        var problems = new Problems();
        DescriptionChecks.ComponentsTheCodeUses(problems, build.Where, documents.LoadFor);
        foreach (var app in _runFile.Apps)
        {
            var runFile = _runFile.LoadFor(app).Components.ToDictionary(c => c.Name);
            foreach (var component in documents.LoadFor(app.Id).Components)
            {
                if (!runFile.TryGetValue(component.Name, out var expected))
                {
                    problems.Add($"{build.Where}: app '{app.Id}' loads component '{component.Name}', which dapr.yaml's components do not have");
                    continue;
                }

                // The one deliberate difference: in a cluster the secret store is Kubernetes' own Secrets.
                var expectedType = expected.Name == Platform.SecretStore ? "secretstores.kubernetes" : expected.Type;
                problems.Check(component.Type == expectedType && component.Version == expected.Version,
                    $"{build.Where}: app '{app.Id}': component {DescriptionChecks.Describe(component)}, expected {expected.Name} ({expectedType} {expected.Version})");
            }
        }

        problems.AssertNone(build.Where);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_topic_and_app_id_the_dapr_documents_name_is_real(string overlay)
    {
        var build = Kustomize.Build(overlay);
        using var documents = new DaprDocuments(build);
        var problems = new Problems();
        DescriptionChecks.Topics(problems, build.Where, documents.LoadFor);
        DescriptionChecks.AppIdsAreReal(problems, build.Where, build.Require().Where(m => m.IsDapr).Select(m => (m.ToString(), (JsonNode?)m.Json)));
        problems.AssertNone(build.Where);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_deployment_is_probed_limited_and_runs_as_non_root_on_a_read_only_root(string overlay)
    {
        var build = Kustomize.Build(overlay);
        var problems = new Problems();
        foreach (var deployment in AppDeployments(build.Require()))
        {
            var where = $"{build.Where}: Deployment '{deployment.Name}'";
            var pod = deployment.Json.At("spec", "template", "spec");
            var container = AppContainer(deployment);
            problems.Check(container.Str("livenessProbe", "httpGet", "path") == "/healthz", $"{where}: livenessProbe is not an HTTP GET of /healthz");
            problems.Check(container.Str("readinessProbe", "httpGet", "path") == "/readyz", $"{where}: readinessProbe is not an HTTP GET of /readyz");
            foreach (var c in pod.At("containers").Items().Concat(pod.At("initContainers").Items()))
            {
                var cw = $"{where}: container '{c.Str("name")}'";
                foreach (var kind in new[] { "requests", "limits" })
                {
                    problems.Check(c.Str("resources", kind, "cpu") is not null && c.Str("resources", kind, "memory") is not null, $"{cw}: no cpu and memory {kind}");
                }

                var runAsNonRoot = c.Str("securityContext", "runAsNonRoot") ?? pod.Str("securityContext", "runAsNonRoot");
                problems.Check(runAsNonRoot == "true", $"{cw}: runAsNonRoot is not true");
                problems.Check(c.Str("securityContext", "readOnlyRootFilesystem") == "true", $"{cw}: readOnlyRootFilesystem is not true");
                problems.Check(c.Str("securityContext", "allowPrivilegeEscalation") == "false", $"{cw}: allowPrivilegeEscalation is not false");
            }
        }

        problems.AssertNone(build.Where);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_deployment_has_a_disruption_budget_and_every_stateless_app_an_autoscaler(string overlay)
    {
        var build = Kustomize.Build(overlay);
        var manifests = build.Require();
        var problems = new Problems();
        foreach (var app in _runFile.Apps)
        {
            var deployment = DeploymentOf(manifests, app.Id);
            if (deployment is null)
            {
                problems.Add($"{build.Where}: no Deployment for app '{app.Id}'");
                continue;
            }

            var labels = deployment.Json.At("spec", "template", "metadata", "labels").Props().ToDictionary(p => p.Key, p => p.Value?.ToString());
            problems.Check(manifests.Where(m => m.Kind == "PodDisruptionBudget").Any(p => Selects(p.Json.At("spec", "selector", "matchLabels"), labels)),
                $"{build.Where}: no PodDisruptionBudget selects the pods of Deployment '{deployment.Name}' (app '{app.Id}')");
            var autoscalers = manifests.Where(m => m.Kind == "HorizontalPodAutoscaler" && m.Json.Str("spec", "scaleTargetRef", "kind") == "Deployment" && m.Json.Str("spec", "scaleTargetRef", "name") == deployment.Name).ToList();
            if (StatelessApps.Contains(app.Id))
            {
                problems.Check(autoscalers.Count == 1, $"{build.Where}: stateless app '{app.Id}' has {autoscalers.Count} HorizontalPodAutoscalers for Deployment '{deployment.Name}', expected 1");
            }
            else
            {
                // Ordering hosts the saga's workflow actors, the console its browsers' circuits: they scale by hand, not by CPU.
                problems.Check(autoscalers.Count == 0, $"{build.Where}: app '{app.Id}' keeps state in its pods (workflow actors, console circuits) but has a HorizontalPodAutoscaler");
            }
        }

        foreach (var service in manifests.Where(m => m.Kind == "Service"))
        {
            var selector = service.Json.At("spec", "selector");
            problems.Check(selector is null || manifests.Where(m => m.Kind is "Deployment" or "StatefulSet").Any(w => Selects(selector, w.Json.At("spec", "template", "metadata", "labels").Props().ToDictionary(p => p.Key, p => p.Value?.ToString()))),
                $"{build.Where}: Service '{service.Name}' selects no pods ({selector?.ToJsonString()})");
        }

        problems.AssertNone(build.Where);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_app_with_a_database_migrates_it_in_an_init_container(string overlay)
    {
        var build = Kustomize.Build(overlay);
        var problems = new Problems();
        foreach (var app in Platform.Apps.Where(a => a.Database is not null))
        {
            var deployment = DeploymentOf(build.Require(), app.Id);
            var init = deployment?.Json.At("spec", "template", "spec", "initContainers").Items()
                .FirstOrDefault(c => c.At("args").Strings().Contains("--migrate-only") || c.At("command").Strings().Contains("--migrate-only"));
            problems.Check(init is not null, $"{build.Where}: app '{app.Id}' has no init container running --migrate-only");
            var variable = $"ConnectionStrings__{app.ConnectionStringName}";
            problems.Check(init is null || init.At("env").Items().Any(e => e.Str("name") == variable && e.At("valueFrom", "secretKeyRef") is not null),
                $"{build.Where}: app '{app.Id}': the migration container does not take {variable} from a Secret");
        }

        problems.AssertNone(build.Where);
    }

    [Fact]
    public void Production_exposes_only_the_gateway_at_api_and_the_console_through_tls_ingresses()
    {
        var build = Kustomize.Build("production");
        var manifests = build.Require();
        var problems = new Problems();
        var ingresses = manifests.Where(m => m.Kind == "Ingress").ToList();
        problems.Check(ingresses.Count > 0, $"{build.Where}: no Ingress");
        HashSet<string> ServicesOf(string app) => manifests.Where(m => m.Kind == "Service" && m.Json.Str("spec", "selector", "app.kubernetes.io/name") == app).Select(m => m.Name).ToHashSet();
        var (gatewayServices, consoleServices) = (ServicesOf("gateway"), ServicesOf("webconsole"));
        var routes = new List<(string Path, string Service)>();
        foreach (var ingress in ingresses)
        {
            problems.Check(ingress.Json.At("spec", "tls").Items().Any(), $"{build.Where}: Ingress '{ingress.Name}' has no TLS");
            var paths = ingress.Json.At("spec", "rules").Items().SelectMany(r => r.At("http", "paths").Items())
                .Select(p => (Path: p.Str("path") ?? "/", Service: p.Str("backend", "service", "name")))
                .Append((Path: "/", Service: ingress.Json.Str("spec", "defaultBackend", "service", "name")))
                .Where(p => p.Service is not null).Select(p => (p.Path, p.Service!)).ToList();
            problems.Check(paths.Count > 0, $"{build.Where}: Ingress '{ingress.Name}' routes nowhere");
            routes.AddRange(paths);
        }

        // The public API is the gateway's; the console serves every other path. Nothing else is exposed.
        foreach (var (path, service) in routes)
        {
            var isApi = path == "/api" || path.StartsWith("/api/", StringComparison.Ordinal);
            problems.Check(isApi ? gatewayServices.Contains(service) : consoleServices.Contains(service),
                $"{build.Where}: path {path} routes to Service '{service}'; only {(isApi ? "the gateway" : "the web console")} may serve it");
        }

        problems.Check(routes.Any(r => r.Path == "/api" && gatewayServices.Contains(r.Service)), $"{build.Where}: no Ingress routes /api to the gateway");
        problems.Check(routes.Any(r => r.Path == "/" && consoleServices.Contains(r.Service)), $"{build.Where}: no Ingress routes / to the web console");

        foreach (var overlay in Kustomize.Overlays)
        {
            foreach (var service in Kustomize.Build(overlay).Manifests.Where(m => m.Kind == "Service" && m.Json.Str("spec", "type") is "LoadBalancer" or "NodePort"))
            {
                problems.Add($"k8s/overlays/{overlay}: Service '{service.Name}' is of type {service.Json.Str("spec", "type")}; the gateway and the console are reached through the Ingress only");
            }
        }

        problems.AssertNone(build.Where);
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_configuration_equals_the_run_files_except_namespace_secret_names_kubernetes_store_and_tracing(string overlay)
    {
        var build = Kustomize.Build(overlay);
        var problems = new Problems();
        foreach (var app in _runFile.Apps)
        {
            var manifest = build.Require().SingleOrDefault(m => m.IsDapr && m.Kind == "Configuration" && m.Name == app.Id);
            if (manifest is null)
            {
                problems.Add($"{build.Where}: no Configuration '{app.Id}'");
                continue;
            }

            var where = $"{build.Where}: Configuration '{app.Id}'";
            var source = Yaml.ReadSingle(app.ConfigPath!);
            var sourceConfig = ResourceLoader.LoadConfiguration(app.ConfigPath!);
            var scopes = manifest.Json.At("spec", "secrets", "scopes").Items().ToList();
            var storeScope = scopes.FirstOrDefault(s => s.Str("storeName") == Platform.SecretStore);
            var expectedSecrets = sourceConfig.SecretScopes.Where(s => s.StoreName == Platform.SecretStore).SelectMany(s => s.AllowedSecrets).Select(s => Platform.KubernetesSecretFor(s).Secret).Distinct().Order().ToList();
            var actualSecrets = storeScope.At("allowedSecrets").Strings().Order().ToList();
            problems.Check(storeScope is not null && storeScope.Str("defaultAccess") == "deny", $"{where}: the secretstore scope does not deny by default");
            problems.Check(expectedSecrets.SequenceEqual(actualSecrets), $"{where}: allows Secrets [{string.Join(", ", actualSecrets)}], expected [{string.Join(", ", expectedSecrets)}] (from {Repo.Display(app.ConfigPath!)})");
            var builtIn = scopes.FirstOrDefault(s => s.Str("storeName") == "kubernetes");
            problems.Check(builtIn is not null && builtIn.Str("defaultAccess") == "deny" && !builtIn.At("allowedSecrets").Strings().Any(),
                $"{where}: the built-in 'kubernetes' secret store is not denied to the app");

            foreach (var policy in manifest.Json.At("spec", "accessControl", "policies").Items())
            {
                problems.Check(policy.Str("namespace") == Namespace, $"{where}: access control policy for '{policy.Str("appId")}' has namespace '{policy.Str("namespace")}', expected {Namespace}");
            }

            var normalSource = Normalize(source);
            var normalCopy = Normalize(manifest.Json);
            problems.Check(JsonNode.DeepEquals(normalSource, normalCopy),
                $"{where}: differs from {Repo.Display(app.ConfigPath!)} beyond the allowed differences:\n    expected {normalSource?.ToJsonString()}\n    actual   {normalCopy?.ToJsonString()}");
        }

        problems.AssertNone(build.Where);

        static JsonNode? Normalize(JsonNode? config)
        {
            var copy = DescriptionChecks.Without(config, ["spec", "tracing"], ["spec", "secrets"], ["metadata", "namespace"], ["metadata", "annotations"], ["metadata", "labels"]);
            foreach (var policy in copy.At("spec", "accessControl", "policies").Items().OfType<JsonObject>())
            {
                policy.Remove("namespace");
            }

            return copy;
        }
    }

    [Theory]
    [MemberData(nameof(Overlays))]
    public void Every_secret_reference_names_a_secret_and_key_that_is_created(string overlay)
    {
        var build = Kustomize.Build(overlay);
        var manifests = build.Require();
        var (inventory, source) = overlay switch
        {
            "local" => (SecretInventory.LocalClusterSecrets(), SecretInventory.LocalSecretsScript),
            "production" => (SecretInventory.ProductionSecrets(), SecretInventory.ProductionReadme),
            _ => throw new Xunit.Sdk.XunitException($"{build.Where}: no known list of the Secrets this overlay expects"),
        };
        var problems = new Problems();
        void Require(string where, string? secret, string? key)
        {
            if (!inventory.TryGetValue(secret ?? "", out var keys))
            {
                problems.Add($"{build.Where}: {where}: Secret '{secret}' is not created by {source}");
            }
            else if (key is not null)
            {
                problems.Check(keys.Contains(key), $"{build.Where}: {where}: Secret '{secret}' has no key '{key}' in {source} (it has {string.Join(", ", keys)})");
            }
        }

        foreach (var workload in manifests.Where(m => m.Kind is "Deployment" or "StatefulSet" or "Job"))
        {
            var pod = workload.Json.At("spec", "template", "spec");
            foreach (var container in pod.At("containers").Items().Concat(pod.At("initContainers").Items()))
            {
                var where = $"{workload} container '{container.Str("name")}'";
                foreach (var env in container.At("env").Items().Where(e => e.At("valueFrom", "secretKeyRef") is not null))
                {
                    Require($"{where} env {env.Str("name")}", env.Str("valueFrom", "secretKeyRef", "name"), env.Str("valueFrom", "secretKeyRef", "key"));
                }

                foreach (var from in container.At("envFrom").Items().Where(e => e.At("secretRef") is not null))
                {
                    Require($"{where} envFrom", from.Str("secretRef", "name"), null);
                }
            }

            foreach (var volume in pod.At("volumes").Items().Where(v => v.At("secret") is not null))
            {
                Require($"{workload} volume '{volume.Str("name")}'", volume.Str("secret", "secretName"), null);
            }
        }

        foreach (var component in manifests.Where(m => m.IsDapr && m.Kind == "Component"))
        {
            foreach (var item in component.Json.At("spec", "metadata").Items().Where(i => i.At("secretKeyRef") is not null))
            {
                Require($"Component '{component.Name}' metadata {item.Str("name")}", item.Str("secretKeyRef", "name"), item.Str("secretKeyRef", "key"));
            }
        }

        foreach (var configuration in manifests.Where(m => m.IsDapr && m.Kind == "Configuration"))
        {
            foreach (var secret in configuration.Json.At("spec", "secrets", "scopes").Items().Where(s => s.Str("storeName") == Platform.SecretStore).SelectMany(s => s.At("allowedSecrets").Strings()))
            {
                Require($"Configuration '{configuration.Name}' allowedSecrets", secret, null);
            }
        }

        // Each secret an app reads as configuration must carry the key that becomes the name the app looks up.
        foreach (var app in _runFile.Apps)
        {
            foreach (var name in ResourceLoader.LoadConfiguration(app.ConfigPath!).SecretScopes.Where(s => s.StoreName == Platform.SecretStore).SelectMany(s => s.AllowedSecrets))
            {
                var (secret, key) = Platform.KubernetesSecretFor(name);
                Require($"app '{app.Id}' reads '{name}'", secret, key);
            }
        }

        problems.AssertNone(build.Where);
    }

    [Fact]
    public void The_strict_read_rejects_a_field_the_kind_does_not_have()
    {
        var yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  prots:\n  - port: 80\n";
        Assert.ThrowsAny<Exception>(() => k8s.KubernetesYaml.Deserialize<k8s.Models.V1Service>(yaml, strict: true));
    }

    private static readonly Lazy<IReadOnlyDictionary<(string ApiVersion, string Kind), Type>> KubernetesTypes = new(() =>
        typeof(k8s.Models.V1Deployment).Assembly.GetTypes()
            .Select(t => (Type: t, Entity: t.GetCustomAttribute<k8s.Models.KubernetesEntityAttribute>()))
            .Where(x => x.Entity is not null && !x.Type.Name.EndsWith("List", StringComparison.Ordinal))
            .GroupBy(x => (string.IsNullOrEmpty(x.Entity!.Group) ? x.Entity.ApiVersion : $"{x.Entity.Group}/{x.Entity.ApiVersion}", x.Entity.Kind))
            .ToDictionary(g => g.Key, g => g.First().Type));

    private static IEnumerable<Manifest> AppDeployments(IReadOnlyList<Manifest> manifests) =>
        manifests.Where(m => m.Kind == "Deployment" && m.Json.Str("spec", "template", "metadata", "annotations", "dapr.io/app-id") is not null);

    private static Manifest? DeploymentOf(IReadOnlyList<Manifest> manifests, string appId) =>
        AppDeployments(manifests).FirstOrDefault(m => m.Json.Str("spec", "template", "metadata", "annotations", "dapr.io/app-id") == appId);

    private static JsonNode? AppContainer(Manifest deployment)
    {
        var containers = deployment.Json.At("spec", "template", "spec", "containers").Items().ToList();
        var appId = deployment.Json.Str("spec", "template", "metadata", "annotations", "dapr.io/app-id");
        return containers.FirstOrDefault(c => c.Str("name") == appId) ?? containers.FirstOrDefault();
    }

    private static Dictionary<string, string?> Env(JsonNode? container) =>
        container.At("env").Items().Where(e => e.Str("name") is not null).GroupBy(e => e.Str("name")!).ToDictionary(g => g.Key, g => g.Last().Str("value"));

    private static bool Selects(JsonNode? selector, Dictionary<string, string?> labels) =>
        selector is JsonObject s && s.Count > 0 && s.All(p => labels.TryGetValue(p.Key, out var v) && v == p.Value?.ToString());
}
