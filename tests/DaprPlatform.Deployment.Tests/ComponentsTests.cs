using System.Text.Json.Nodes;
using DaprPlatform.Deployment.Tests.Support;
using DaprPlatform.Sidecar.Hosting;
using DaprPlatform.Sidecar.Resources;

namespace DaprPlatform.Deployment.Tests;

/// <summary>Every Dapr resource file of every description loads with the sidecar's own loader (what daprd would refuse, it refuses).</summary>
public class ComponentsTests
{
    public static TheoryData<string> ResourceDirectories() => new("components", "components/embedded", "deploy/compose/components");

    [Theory]
    [MemberData(nameof(ResourceDirectories))]
    public void Every_resource_file_loads_with_the_sidecar_loader_for_every_app(string directory)
    {
        var path = Repo.Path(directory);
        Assert.True(Directory.Exists(path), $"{directory}: the directory does not exist");
        var problems = new Problems();
        foreach (var app in DescriptionChecks.AppIds)
        {
            try
            {
                ResourceLoader.Load(new SidecarOptions { AppId = app, Namespace = "default", ResourcesPaths = [path] });
            }
            catch (ResourceException e)
            {
                problems.Add($"{directory} for app '{app}': {e.Message}");
            }
        }

        problems.AssertNone(directory);
    }

    [Fact]
    public void Every_overlay_dapr_document_loads_with_the_sidecar_loader_for_every_app()
    {
        var problems = new Problems();
        foreach (var build in Kustomize.All())
        {
            if (build.Error is not null)
            {
                problems.Add($"{build.Where}: kubectl kustomize failed: {build.Error}");
                continue;
            }

            using var documents = new DaprDocuments(build);
            foreach (var app in DescriptionChecks.AppIds)
            {
                try
                {
                    documents.LoadFor(app);
                }
                catch (ResourceException e)
                {
                    problems.Add($"{build.Where} for app '{app}': {e.Message}");
                }
            }

            foreach (var (name, file) in documents.ConfigFiles)
            {
                try
                {
                    ResourceLoader.LoadConfiguration(file);
                }
                catch (ResourceException e)
                {
                    problems.Add($"{build.Where}: Configuration '{name}': {e.Message}");
                }
            }
        }

        problems.AssertNone("k8s Dapr documents");
    }

    public static TheoryData<string> ConfigurationDirectories() => new("components/config", "deploy/compose/config");

    [Theory]
    [MemberData(nameof(ConfigurationDirectories))]
    public void Every_configuration_file_loads_with_the_sidecar_loader(string directory)
    {
        var path = Repo.Path(directory);
        // deploy/compose/config exists only if compose needs Configurations of its own.
        if (directory == "deploy/compose/config" && !Directory.Exists(path))
        {
            return;
        }

        Assert.True(Directory.Exists(path), $"{directory}: the directory does not exist");
        var problems = new Problems();
        foreach (var file in Directory.GetFiles(path, "*.yaml").Order(StringComparer.Ordinal))
        {
            try
            {
                var config = ResourceLoader.LoadConfiguration(file);
                problems.Check(config.Name == Path.GetFileNameWithoutExtension(file), $"{Repo.Display(file)}: Configuration '{config.Name}' is not named after its file");
            }
            catch (ResourceException e)
            {
                problems.Add(e.Message);
            }
        }

        problems.AssertNone(directory);
    }


    [Fact]
    public void The_crd_check_rejects_a_misspelt_field()
    {
        var problems = new Problems();
        var doc = (JsonObject)Yaml.ParseAll("apiVersion: dapr.io/v1alpha1\nkind: Component\nmetadata: {name: x}\nspec: {type: state.redis, version: v1, metadata: [], initTimout: 5s}\n", "test")[0]!;
        CrdValidation.Check(problems, "test", doc);
        Assert.Throws<Xunit.Sdk.TrueException>(() => problems.AssertNone("test"));
    }

    [Theory]
    [MemberData(nameof(ResourceDirectories))]
    public void Every_dapr_document_validates_against_its_crd_schema(string directory)
    {
        var path = Repo.Path(directory);
        Assert.True(Directory.Exists(path), $"{directory}: the directory does not exist");
        var problems = new Problems();
        foreach (var file in Directory.GetFiles(path, "*.yaml").Concat(Directory.GetFiles(path, "*.yml")).Order(StringComparer.Ordinal))
        {
            foreach (var doc in Yaml.ReadAll(file).OfType<JsonObject>())
            {
                CrdValidation.Check(problems, Repo.Display(file), doc);
            }
        }

        problems.AssertNone(directory);
    }
}

/// <summary>A dapr.io document against the CRD schema of its apiVersion and kind.</summary>
public static class CrdValidation
{
    public static void Check(Problems problems, string where, JsonObject doc)
    {
        var (apiVersion, kind, name) = (doc.Str("apiVersion") ?? "", doc.Str("kind") ?? "", doc.Str("metadata", "name"));
        var schema = DaprCrdSchemas.For(apiVersion, kind);
        if (schema is null)
        {
            problems.Add($"{where}: {kind} '{name}': Dapr has no CRD for {apiVersion} {kind}");
            return;
        }

        foreach (var error in SchemaValidation.Errors(schema, doc))
        {
            problems.Add($"{where}: {kind} '{name}': {error}");
        }
    }
}
