using System.Text.Json.Nodes;
using DaprPlatform.Deployment.Tests.Support;
using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Resources;

namespace DaprPlatform.Deployment.Tests;

/// <summary>docker-compose.yml and deploy/compose/: the same platform as dapr.yaml, on real daprd containers.</summary>
public class ComposeTests
{
    private const string File = ComposeFile.FileName;
    private readonly DaprRunFile _runFile = DaprRunFile.Load();

    [Fact]
    public void The_compose_file_validates_against_the_compose_specification()
    {
        var compose = ComposeFile.Load();
        var schemaNode = JsonNode.Parse(System.IO.File.ReadAllText(Repo.Path("tests", "DaprPlatform.Deployment.Tests", "Schemas", "compose", "compose-spec.json")))!;
        // The spec names its dialect without the trailing '#', which the evaluator does not recognise as draft-07.
        schemaNode["$schema"] = "http://json-schema.org/draft-07/schema#";
        var errors = SchemaValidation.Errors(SchemaValidation.Build(schemaNode, "compose-spec.json"), compose.Root);
        Assert.True(errors.Count == 0, $"{File}: does not validate against the Compose Specification:\n  " + string.Join("\n  ", errors));
    }

    [Fact]
    public void Every_reference_names_a_defined_service_network_or_volume()
    {
        var compose = ComposeFile.Load();
        var networks = (compose.Root["networks"] as JsonObject ?? []).Select(n => n.Key).Append("default").ToHashSet();
        var volumes = (compose.Root["volumes"] as JsonObject ?? []).Select(v => v.Key).ToHashSet();
        var problems = new Problems();
        foreach (var (name, service) in compose.Services)
        {
            var where = $"{File}: service '{name}'";
            var dependsOn = service.At("depends_on") is JsonObject map ? map.Select(p => p.Key) : service.At("depends_on").Strings();
            foreach (var dependency in dependsOn)
            {
                problems.Check(compose.Services.ContainsKey(dependency), $"{where}: depends_on '{dependency}', which is not a service");
            }

            if (service.Str("network_mode") is { } mode && mode.StartsWith("service:", StringComparison.Ordinal))
            {
                problems.Check(compose.Services.ContainsKey(mode["service:".Length..]), $"{where}: network_mode {mode} names no service");
            }

            foreach (var link in service.At("links").Strings())
            {
                problems.Check(compose.Services.ContainsKey(link.Split(':')[0]), $"{where}: links '{link}', which is not a service");
            }

            foreach (var from in service.At("volumes_from").Strings())
            {
                problems.Check(compose.Services.ContainsKey(from.Split(':')[0]), $"{where}: volumes_from '{from}', which is not a service");
            }

            var serviceNetworks = service.At("networks") is JsonObject nm ? nm.Select(p => p.Key) : service.At("networks").Strings();
            foreach (var network in serviceNetworks)
            {
                problems.Check(networks.Contains(network), $"{where}: network '{network}' is not declared at the top level");
            }

            foreach (var volume in service.At("volumes").Items())
            {
                var source = volume is JsonValue v ? v.ToString().Split(':')[0] : volume.Str("type") is null or "volume" ? volume.Str("source") : null;
                if (source is { Length: > 0 } && !source.StartsWith('.') && !source.StartsWith('/') && !source.StartsWith('~'))
                {
                    problems.Check(volumes.Contains(source), $"{where}: named volume '{source}' is not declared at the top level");
                }
            }
        }

        problems.AssertNone(File);
    }

    [Fact]
    public void Every_bind_mount_source_and_build_context_exists()
    {
        var compose = ComposeFile.Load();
        var problems = new Problems();
        var topVolumes = compose.Root["volumes"] as JsonObject ?? [];
        foreach (var (name, service) in compose.Services)
        {
            foreach (var (source, target) in ComposeFile.BindMounts(service, topVolumes))
            {
                var path = Path.GetFullPath(Path.Combine(Repo.Root, source));
                problems.Check(System.IO.File.Exists(path) || Directory.Exists(path), $"{File}: service '{name}': bind mount source '{source}' (→ {target}) does not exist in the repository");
            }

            if (service.At("build") is { } build)
            {
                var context = build is JsonValue ? build.ToString() : build.Str("context") ?? ".";
                var contextPath = Path.GetFullPath(Path.Combine(Repo.Root, context));
                problems.Check(Directory.Exists(contextPath), $"{File}: service '{name}': build context '{context}' does not exist");
                if (build.Str("dockerfile") is { } dockerfile)
                {
                    problems.Check(System.IO.File.Exists(Path.Combine(contextPath, dockerfile)), $"{File}: service '{name}': dockerfile '{dockerfile}' does not exist in context '{context}'");
                }
            }
        }

        problems.AssertNone(File);
    }

    [Fact]
    public void Every_app_runs_with_a_sidecar_in_its_network_namespace_with_the_same_id_port_and_configuration()
    {
        var compose = ComposeFile.Load();
        var sidecars = compose.Sidecars();
        var problems = new Problems();
        foreach (var app in _runFile.Apps)
        {
            var service = compose.Service(app.Id);
            problems.Check(service is not null, $"{File}: no service '{app.Id}' for app '{app.Id}'");
            var appPortEnv = ComposeFile.Environment(service).GetValueOrDefault("APP_PORT");
            problems.Check(service is null || appPortEnv == app.AppPort.ToString(), $"{File}: service '{app.Id}': APP_PORT is {appPortEnv ?? "not set"}, dapr.yaml says {app.AppPort}");

            var sidecar = sidecars.SingleOrDefault(s => s.AppId == app.Id);
            if (sidecar is null)
            {
                problems.Add($"{File}: no daprd sidecar with --app-id {app.Id}");
                continue;
            }

            var where = $"{File}: sidecar '{sidecar.ServiceName}' of app '{app.Id}'";
            problems.Check(sidecar.Service.Str("network_mode") == $"service:{app.Id}", $"{where}: network_mode is '{sidecar.Service.Str("network_mode")}', expected service:{app.Id}");
            problems.Check(sidecar.Flags.GetValueOrDefault("--app-port") == app.AppPort.ToString(), $"{where}: --app-port {sidecar.Flags.GetValueOrDefault("--app-port")}, dapr.yaml says {app.AppPort}");

            var config = sidecar.Flags.GetValueOrDefault("--config");
            problems.Check(config == $"/config/{app.Id}.yaml", $"{where}: --config is '{config}', expected /config/{app.Id}.yaml");
            var configFile = config is null ? null : compose.HostPath(sidecar.Service, config);
            if (configFile is null || !System.IO.File.Exists(configFile))
            {
                problems.Add($"{where}: --config {config} is not a file mounted from the repository");
                continue;
            }

            // A compose copy of a Configuration may differ from components/config only in its tracing section.
            var expected = DescriptionChecks.Without(Yaml.ReadSingle(app.ConfigPath!), ["spec", "tracing"]);
            var actual = DescriptionChecks.Without(Yaml.ReadSingle(configFile), ["spec", "tracing"]);
            problems.Check(JsonNode.DeepEquals(expected, actual), $"{where}: {Repo.Display(configFile)} differs from {Repo.Display(app.ConfigPath!)} outside spec.tracing");
        }

        foreach (var extra in sidecars.Where(s => _runFile.Apps.All(a => a.Id != s.AppId)))
        {
            problems.Add($"{File}: sidecar '{extra.ServiceName}' runs app id '{extra.AppId}', which dapr.yaml does not have");
        }

        problems.AssertNone(File);
    }

    [Fact]
    public void Placement_and_scheduler_run_and_every_sidecar_points_at_them()
    {
        var compose = ComposeFile.Load();
        var problems = new Problems();
        string? Find(string binary) => compose.Services.FirstOrDefault(s => ComposeFile.Command(s.Value).Any(a => a.EndsWith("/" + binary, StringComparison.Ordinal) || a == binary)).Key;
        var placement = Find("placement");
        var scheduler = Find("scheduler");
        problems.Check(placement is not null, $"{File}: no service runs ./placement (workflows need it)");
        problems.Check(scheduler is not null, $"{File}: no service runs ./scheduler (workflows need it)");
        foreach (var sidecar in compose.Sidecars())
        {
            var where = $"{File}: sidecar '{sidecar.ServiceName}'";
            problems.Check(sidecar.Flags.GetValueOrDefault("--placement-host-address") == $"{placement}:50005", $"{where}: --placement-host-address is '{sidecar.Flags.GetValueOrDefault("--placement-host-address")}', expected {placement}:50005");
            problems.Check(sidecar.Flags.GetValueOrDefault("--scheduler-host-address") == $"{scheduler}:50006", $"{where}: --scheduler-host-address is '{sidecar.Flags.GetValueOrDefault("--scheduler-host-address")}', expected {scheduler}:50006");
        }

        problems.AssertNone(File);
    }

    [Fact]
    public void Every_app_loads_the_same_components_as_in_the_run_file()
    {
        var compose = ComposeFile.Load();
        var problems = new Problems();
        foreach (var app in _runFile.Apps)
        {
            var sidecar = compose.Sidecars().SingleOrDefault(s => s.AppId == app.Id);
            if (sidecar is null)
            {
                problems.Add($"{File}: no daprd sidecar with --app-id {app.Id}");
                continue;
            }

            var expected = _runFile.LoadFor(app).Components.Select(DescriptionChecks.Describe).Order().ToList();
            var actual = LoadFor(compose, sidecar).Components;
            var described = actual.Select(DescriptionChecks.Describe).Order().ToList();
            problems.Check(expected.SequenceEqual(described), $"{File}: app '{app.Id}' loads [{string.Join(", ", described)}]; dapr.yaml loads [{string.Join(", ", expected)}]");

            // daprd resolves envRef from its own environment: a variable the sidecar lacks leaves the component without its value.
            var env = ComposeFile.Environment(sidecar.Service);
            foreach (var envRef in actual.SelectMany(c => c.Metadata.Select(m => (c.Name, m.EnvRef))).Where(x => x.EnvRef is not null))
            {
                problems.Check(env.ContainsKey(envRef.EnvRef!), $"{File}: sidecar '{sidecar.ServiceName}': component '{envRef.Name}' reads env {envRef.EnvRef}, which the sidecar does not set");
            }
        }

        problems.AssertNone(File);
    }

    [Fact]
    public void The_compose_components_equal_components_except_the_server_hosts()
    {
        var compose = ComposeFile.Load();
        var composeDir = Repo.Path("deploy", "compose", "components");
        Assert.True(Directory.Exists(composeDir), "deploy/compose/components: the directory does not exist");
        var problems = new Problems();
        var sourceFiles = Directory.GetFiles(Repo.Path("components"), "*.yaml").Select(Path.GetFileName).Order().ToList();
        var composeFiles = Directory.GetFiles(composeDir).Select(Path.GetFileName).Order().ToList();
        problems.Check(sourceFiles.SequenceEqual(composeFiles), $"deploy/compose/components: files [{string.Join(", ", composeFiles)}], components/ has [{string.Join(", ", sourceFiles)}]");
        foreach (var file in sourceFiles.Intersect(composeFiles))
        {
            var source = Yaml.ReadAll(Repo.Path("components", file!));
            var copy = Yaml.ReadAll(Path.Combine(composeDir, file!));
            if (source.Count != copy.Count)
            {
                problems.Add($"deploy/compose/components/{file}: {copy.Count} documents, components/{file} has {source.Count}");
                continue;
            }

            for (var i = 0; i < source.Count; i++)
            {
                var where = $"deploy/compose/components/{file}[{i}] ({copy[i].Str("kind")} '{copy[i].Str("metadata", "name")}')";
                var (normalSource, normalCopy) = (source[i]?.DeepClone(), copy[i]?.DeepClone());
                foreach (var (sourceItem, copyItem) in normalSource.At("spec", "metadata").Items().Zip(normalCopy.At("spec", "metadata").Items()))
                {
                    if (sourceItem.Str("envRef") is "DAPRPLATFORM_REDIS_HOST" or "DAPRPLATFORM_AMQP_URI" && sourceItem.Str("name") == copyItem.Str("name"))
                    {
                        var host = HostOf(copyItem.Str("value"));
                        problems.Check(host is not null && compose.Services.ContainsKey(host), $"{where}: {copyItem.Str("name")} = '{copyItem.Str("value")}' does not name a compose service host");
                        ((JsonObject)sourceItem!).Remove("envRef");
                        ((JsonObject)copyItem!).Remove("value");
                    }
                }

                problems.Check(JsonNode.DeepEquals(normalSource, normalCopy), $"{where}: differs from components/{file} in more than the server host");
            }
        }

        problems.AssertNone("deploy/compose/components");
    }

    [Fact]
    public void Every_secret_an_app_may_read_is_one_the_secrets_generator_writes()
    {
        var compose = ComposeFile.Load();
        var problems = new Problems();
        var allowed = new List<(string App, string Secret)>();
        foreach (var sidecar in compose.Sidecars())
        {
            var config = sidecar.Flags.GetValueOrDefault("--config") is { } c ? compose.HostPath(sidecar.Service, c) : null;
            if (config is null || !System.IO.File.Exists(config))
            {
                problems.Add($"{File}: sidecar '{sidecar.ServiceName}' has no Configuration from the repository");
                continue;
            }

            allowed.AddRange(ResourceLoader.LoadConfiguration(config).SecretScopes.Where(s => s.StoreName == Platform.SecretStore).SelectMany(s => s.AllowedSecrets).Select(s => (sidecar.AppId ?? "", s)));
        }

        var written = SecretInventory.ComposeGeneratorKeys(allowed.Select(a => a.Secret).Distinct(), out var script);
        foreach (var (app, secret) in allowed)
        {
            problems.Check(written.Contains(secret), $"{script}: app '{app}' may read secret '{secret}', which the compose secrets generator does not write");
        }

        problems.AssertNone(File);
    }

    [Fact]
    public void Every_topic_and_app_id_the_compose_components_name_is_real()
    {
        var compose = ComposeFile.Load();
        var problems = new Problems();
        var sidecars = compose.Sidecars();
        LoadedResources For(string app) => sidecars.SingleOrDefault(s => s.AppId == app) is { } s ? LoadFor(compose, s) : throw new Xunit.Sdk.XunitException($"{File}: no sidecar for app '{app}'");
        DescriptionChecks.ComponentsTheCodeUses(problems, File, For);
        DescriptionChecks.Topics(problems, File, For);
        var files = sidecars.Select(s => s.Flags.GetValueOrDefault("--resources-path") is { } p ? compose.HostPath(s.Service, p) : null).OfType<string>().Distinct()
            .Where(Directory.Exists).SelectMany(d => Directory.GetFiles(d, "*.yaml"))
            .Concat(sidecars.Select(s => s.Flags.GetValueOrDefault("--config") is { } c ? compose.HostPath(s.Service, c) : null).OfType<string>().Where(System.IO.File.Exists));
        DescriptionChecks.AppIdsAreReal(problems, File, files.SelectMany(f => Yaml.ReadAll(f).Select(d => (Repo.Display(f), d))));
        problems.AssertNone(File);
    }

    private static LoadedResources LoadFor(ComposeFile compose, ComposeSidecar sidecar)
    {
        var resources = sidecar.Flags.GetValueOrDefault("--resources-path") ?? sidecar.Flags.GetValueOrDefault("--components-path");
        var dir = resources is null ? null : compose.HostPath(sidecar.Service, resources);
        Assert.True(dir is not null && Directory.Exists(dir), $"{File}: sidecar '{sidecar.ServiceName}': --resources-path {resources} is not a directory mounted from the repository");
        return ResourceLoader.Load(new SidecarOptions { AppId = sidecar.AppId ?? "", Namespace = "default", ResourcesPaths = [dir] });
    }

    private static string? HostOf(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (value.Contains("://", StringComparison.Ordinal) && Uri.TryCreate(value, UriKind.Absolute, out var uri))
        {
            return uri.Host;
        }

        return value.Split(':')[0];
    }
}
