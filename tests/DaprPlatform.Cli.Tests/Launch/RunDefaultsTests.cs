using DaprPlatform.Cli.Launch;
using DaprPlatform.Cli.Tests.Support;
using Xunit;

namespace DaprPlatform.Cli.Tests.Launch;

public sealed class RunDefaultsTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Home_dapr_components_and_config_are_the_default_when_they_exist()
    {
        var components = _temp.Directory("home", ".dapr", "components");
        var config = _temp.File("home/.dapr/config.yaml", "");

        var defaults = RunDefaults.For(Environment("/elsewhere"));

        Assert.Equal([components], defaults.ResourcesPaths);
        Assert.Equal(config, defaults.ConfigPath);
    }

    [Fact]
    public void Without_home_dapr_components_the_repositorys_embedded_set_is_used()
    {
        var repo = _temp.Directory("repo");
        var embedded = _temp.Directory("repo", "components", "embedded");

        var defaults = RunDefaults.For(Environment(repo));

        Assert.Equal([embedded], defaults.ResourcesPaths);
        Assert.Null(defaults.ConfigPath);
    }

    [Fact]
    public void The_embedded_components_of_this_repository_exist()
    {
        var repo = DaprPlatform.Testing.RepositoryRoot.Path;

        Assert.True(File.Exists(Path.Combine(DevComponents.EmbeddedDirectory(repo), "statestore.yaml")));
        Assert.True(File.Exists(Path.Combine(DevComponents.ServersDirectory(repo), "statestore.yaml")));
        Assert.True(File.Exists(DevComponents.SecretsFile(repo)));
    }

    private CliEnvironment Environment(string repositoryRoot) => new InProcessCli(_temp.Path, new Dictionary<string, string>
    {
        ["HOME"] = Path.Combine(_temp.Path, "home"),
        [CliEnvironment.RepoRootVariable] = repositoryRoot,
    }).Environment;
}
