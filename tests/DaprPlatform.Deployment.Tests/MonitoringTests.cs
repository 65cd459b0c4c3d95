using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using DaprPlatform.Deployment.Tests.Support;
using DaprPlatform.Testing.Monitoring;

namespace DaprPlatform.Deployment.Tests;

/// <summary>monitoring/: what promtool accepts, what the compose Prometheus scrapes, and the names the queries use.</summary>
public partial class MonitoringTests
{
    private const string PrometheusConfig = "monitoring/prometheus/prometheus.yml";
    private const string AlertTests = "monitoring/prometheus/alerts.test.yml";
    private const string Datasources = "monitoring/grafana/provisioning/datasources/prometheus.yml";

    [Fact]
    public void Promtool_accepts_the_compose_prometheus_config()
    {
        Repo.ReadRequired(PrometheusConfig);
        // The config names its rule files relative to itself, as mounted next to each other in /etc/prometheus.
        var dir = Directory.CreateTempSubdirectory("deployment-tests-prometheus-");
        try
        {
            foreach (var file in Directory.GetFiles(Repo.Path("monitoring", "prometheus")))
            {
                File.Copy(file, Path.Combine(dir.FullName, Path.GetFileName(file)));
            }

            var result = ProcessRunner.Run("promtool", ["check", "config", "prometheus.yml"], dir.FullName);
            Assert.True(result.ExitCode == 0, $"{PrometheusConfig}: promtool check config failed:\n{result.StandardOutput}{result.StandardError}");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Promtool_accepts_the_alert_rules()
    {
        Repo.ReadRequired(MonitoringFiles.Alerts);
        var result = ProcessRunner.Run("promtool", ["check", "rules", MonitoringFiles.Alerts]);
        Assert.True(result.ExitCode == 0, $"{MonitoringFiles.Alerts}: promtool check rules failed:\n{result.StandardOutput}{result.StandardError}");
    }

    [Fact]
    public void The_alert_rule_unit_tests_pass()
    {
        Repo.ReadRequired(AlertTests);
        var result = ProcessRunner.Run("promtool", ["test", "rules", AlertTests]);
        Assert.True(result.ExitCode == 0, $"{AlertTests}: promtool test rules failed:\n{result.StandardOutput}{result.StandardError}");
    }

    [Fact]
    public void The_compose_prometheus_scrapes_every_app_on_its_port_and_every_sidecar_on_9090()
    {
        var config = Yaml.ReadSingle(Repo.Path(PrometheusConfig));
        var jobs = config.At("scrape_configs").Items().ToDictionary(j => j.Str("job_name") ?? "", j => j);
        var problems = new Problems();
        foreach (var app in DaprRunFile.Load().Apps)
        {
            CheckTarget(problems, jobs, "daprplatform-apps", app.Id, $"{app.Id}:{app.AppPort}");
            CheckTarget(problems, jobs, "daprplatform-sidecars", app.Id, $"{app.Id}:9090");
        }

        problems.AssertNone(PrometheusConfig);
    }

    [Fact]
    public void The_dashboard_is_json_whose_datasources_are_provisioned()
    {
        var dashboard = JsonNode.Parse(Repo.ReadRequired(MonitoringFiles.Dashboard));
        var provisioned = Yaml.ReadSingle(Repo.Path(Datasources)).At("datasources").Items()
            .SelectMany(d => new[] { d.Str("uid"), d.Str("name") }).OfType<string>().ToHashSet();
        var problems = new Problems();
        var used = new List<(string Where, string Ref)>();
        CollectDatasources(dashboard, "$", used);
        problems.Check(used.Count > 0, $"{MonitoringFiles.Dashboard}: no panel names a datasource");
        foreach (var (where, reference) in used)
        {
            // ${...} refers to a dashboard variable, which is itself checked where it is defined.
            problems.Check(reference.StartsWith('$') || provisioned.Contains(reference), $"{MonitoringFiles.Dashboard}: {where}: datasource '{reference}' is not provisioned in {Datasources}");
        }

        problems.AssertNone(MonitoringFiles.Dashboard);
    }

    [Fact]
    public void Every_metric_the_rules_and_dashboard_query_follows_the_platform_naming()
    {
        var expressions = MonitoringFiles.All();
        Assert.True(expressions.Count > 0, "monitoring/: no PromQL expressions found");
        var rules = Repo.ReadRequired(MonitoringFiles.Alerts).Split('\n').Count(line => line.TrimStart().StartsWith("- alert:", StringComparison.Ordinal));
        Assert.Equal(rules, MonitoringFiles.AlertExpressions().Count);
        var problems = new Problems();
        foreach (var expression in expressions)
        {
            foreach (var name in PromQlMetricNames.Extract(expression.Expression))
            {
                problems.Check(PlatformNaming().IsMatch(name), $"{expression.File}: {expression.Where}: metric '{name}' is none of daprplatform_*, dapr_*, http_*, kestrel_*, dotnet_*, process_*, up");
            }
        }

        problems.AssertNone("monitoring metric names");
    }

    private static void CheckTarget(Problems problems, Dictionary<string, JsonNode?> jobs, string job, string appId, string target)
    {
        if (!jobs.TryGetValue(job, out var config))
        {
            problems.Add($"{PrometheusConfig}: no job '{job}'");
            return;
        }

        var group = config.At("static_configs").Items().FirstOrDefault(g => g.At("targets").Strings().Contains(target));
        problems.Check(group is not null, $"{PrometheusConfig}: job '{job}' does not scrape {target} (app '{appId}')");
        if (group is not null && group.At("targets").Strings().Count == 1)
        {
            problems.Check(group.Str("labels", "app") == appId, $"{PrometheusConfig}: job '{job}': target {target} has label app={group.Str("labels", "app")}, expected '{appId}'");
        }
        else if (group is not null)
        {
            // Several targets in one group share one label set: the app label cannot be right for all of them.
            problems.Check(config.At("relabel_configs").Items().Any(r => r.Str("target_label") == "app"), $"{PrometheusConfig}: job '{job}': target {target} gets no label app='{appId}'");
        }
    }

    private static void CollectDatasources(JsonNode? node, string path, List<(string, string)> used)
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (key, value) in o)
                {
                    if (key == "datasource" && !path.Contains(".annotations", StringComparison.Ordinal))
                    {
                        var reference = value is JsonObject d ? d.Str("uid") : value?.ToString();
                        if (reference is not null && value.Str("type") != "grafana" && reference != "-- Grafana --")
                        {
                            used.Add(($"{path}.datasource", reference));
                        }
                    }
                    else
                    {
                        CollectDatasources(value, $"{path}.{key}", used);
                    }
                }

                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++)
                {
                    CollectDatasources(a[i], $"{path}[{i}]", used);
                }

                break;
        }
    }

    [GeneratedRegex("^(daprplatform_|dapr_|http_|kestrel_|dotnet_|process_)[a-z0-9_]+$|^up$")]
    private static partial Regex PlatformNaming();
}
