using DaprPlatform.Deployment.Tests.Support;
using DaprPlatform.Sidecar.Resources;

namespace DaprPlatform.Deployment.Tests;

/// <summary>dapr.yaml and components/: the description the others are compared with, checked against the code.</summary>
public class DaprRunFileTests
{
    private readonly DaprRunFile _runFile = DaprRunFile.Load();

    [Fact]
    public void The_run_file_runs_exactly_the_platform_apps_from_their_projects_on_their_ports()
    {
        var problems = new Problems();
        foreach (var expected in Platform.Apps)
        {
            var app = _runFile.Apps.SingleOrDefault(a => a.Id == expected.Id);
            problems.Check(app is not null, $"dapr.yaml: no app '{expected.Id}'");
            if (app is null)
            {
                continue;
            }

            problems.Check(app.AppPort == expected.Port, $"dapr.yaml: app '{app.Id}': appPort {app.AppPort}, expected {expected.Port}");
            problems.Check(Repo.Display(app.AppDirPath) == expected.ProjectDir, $"dapr.yaml: app '{app.Id}': appDirPath {Repo.Display(app.AppDirPath)}, expected {expected.ProjectDir}");
            problems.Check(app.ConfigPath is not null && Repo.Display(app.ConfigPath) == $"components/config/{app.Id}.yaml",
                $"dapr.yaml: app '{app.Id}': configFilePath resolves to {(app.ConfigPath is null ? "nothing" : Repo.Display(app.ConfigPath))}, expected components/config/{app.Id}.yaml");
            problems.Check(app.Env.GetValueOrDefault("Dapr__SecretStore") == Platform.SecretStore, $"dapr.yaml: app '{app.Id}': env Dapr__SecretStore is not '{Platform.SecretStore}'");
        }

        foreach (var extra in _runFile.Apps.Where(a => Platform.Apps.All(p => p.Id != a.Id)))
        {
            problems.Add($"dapr.yaml: app '{extra.Id}' is not one of the platform's apps");
        }

        problems.AssertNone("dapr.yaml");
    }

    [Fact]
    public void Every_app_has_a_Configuration_named_after_it()
    {
        var problems = new Problems();
        foreach (var app in _runFile.Apps)
        {
            var config = ResourceLoader.LoadConfiguration(app.ConfigPath!);
            problems.Check(config.Name == app.Id, $"{Repo.Display(app.ConfigPath!)}: Configuration '{config.Name}' is the --config of app '{app.Id}'; daprd would look up a Configuration named '{app.Id}' in Kubernetes");
        }

        problems.AssertNone("dapr.yaml configurations");
    }

    [Fact]
    public void Every_secret_a_Configuration_allows_is_one_that_dapr_dev_up_writes()
    {
        var written = SecretInventory.DaprDevUpKeys();
        var problems = new Problems();
        foreach (var app in _runFile.Apps)
        {
            foreach (var scope in ResourceLoader.LoadConfiguration(app.ConfigPath!).SecretScopes.Where(s => s.StoreName == Platform.SecretStore))
            {
                foreach (var secret in scope.AllowedSecrets)
                {
                    problems.Check(written.Contains(secret), $"{Repo.Display(app.ConfigPath!)}: app '{app.Id}' may read secret '{secret}', which ./dapr-dev up does not write (it writes {string.Join(", ", written)})");
                }
            }
        }

        problems.AssertNone("dapr.yaml secrets");
    }

    [Fact]
    public void Every_app_reads_exactly_the_secrets_of_its_database_and_role()
    {
        var problems = new Problems();
        foreach (var app in _runFile.Apps)
        {
            var platformApp = Platform.App(app.Id);
            var allowed = ResourceLoader.LoadConfiguration(app.ConfigPath!).SecretScopes.Where(s => s.StoreName == Platform.SecretStore).SelectMany(s => s.AllowedSecrets).ToHashSet();
            if (platformApp.ConnectionStringName is { } db)
            {
                problems.Check(allowed.Contains($"ConnectionStrings:{db}"), $"{Repo.Display(app.ConfigPath!)}: app '{app.Id}' may not read its connection string ConnectionStrings:{db}");
            }

            problems.Check(allowed.All(s => s.StartsWith("ConnectionStrings:", StringComparison.Ordinal) ? s == $"ConnectionStrings:{platformApp.ConnectionStringName}" : app.Id == "identity"),
                $"{Repo.Display(app.ConfigPath!)}: app '{app.Id}' may read secrets that are not its own: {string.Join(", ", allowed)}");
        }

        problems.AssertNone("dapr.yaml secret scopes");
    }

    [Fact]
    public void Every_app_loads_the_components_its_code_uses()
    {
        var problems = new Problems();
        DescriptionChecks.ComponentsTheCodeUses(problems, "dapr.yaml + components/", LoadFor);
        problems.AssertNone("dapr.yaml components");
    }

    [Fact]
    public void Every_published_topic_has_a_subscription_and_every_subscription_topic_is_published()
    {
        var problems = new Problems();
        DescriptionChecks.Topics(problems, "dapr.yaml + components/", LoadFor);
        problems.AssertNone("dapr.yaml topics");
    }

    [Fact]
    public void Every_app_id_in_scopes_and_access_control_is_a_real_app()
    {
        var problems = new Problems();
        var files = _runFile.ResourcesPaths.SelectMany(p => Directory.GetFiles(p, "*.yaml")).Concat(_runFile.Apps.Select(a => a.ConfigPath!));
        DescriptionChecks.AppIdsAreReal(problems, "dapr.yaml", files.SelectMany(f => Yaml.ReadAll(f).Select(d => (Repo.Display(f), d))));
        problems.AssertNone("dapr.yaml app ids");
    }

    private LoadedResources LoadFor(string appId) => _runFile.LoadFor(_runFile.Apps.Single(a => a.Id == appId));
}
