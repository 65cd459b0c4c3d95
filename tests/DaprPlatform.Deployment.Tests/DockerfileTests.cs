using System.Text.RegularExpressions;
using System.Xml.Linq;
using DaprPlatform.Deployment.Tests.Support;

namespace DaprPlatform.Deployment.Tests;

/// <summary>services/*/Dockerfile: one per app of dapr.yaml, built from the repository root as the context.</summary>
public class DockerfileTests
{
    public static TheoryData<string> AppIds() => new(DaprRunFile.Load().Apps.Select(a => a.Id));

    [Theory]
    [MemberData(nameof(AppIds))]
    public void The_dockerfile_is_multi_stage_on_the_aspnet_runtime_as_a_non_root_user_with_a_health_check(string appId)
    {
        var (file, dockerfile) = Load(appId);
        var port = DaprRunFile.Load().Apps.Single(a => a.Id == appId).AppPort;
        var problems = new Problems();
        problems.Check(dockerfile.Stages.Count >= 2, $"{file}: not multi-stage ({dockerfile.Stages.Count} FROM)");
        var final = dockerfile.Stages[^1];
        problems.Check(final.From.StartsWith("mcr.microsoft.com/dotnet/aspnet:", StringComparison.Ordinal), $"{file}: the final stage is FROM {final.From}, not the aspnet runtime image");
        var user = final.Instructions.LastOrDefault(i => i.Name == "USER")?.Arguments;
        problems.Check(user is not null && user is not ("root" or "0") && !user.StartsWith("root:", StringComparison.Ordinal) && !user.StartsWith("0:", StringComparison.Ordinal),
            $"{file}: the final stage runs as {user ?? "root (no USER)"}");
        var health = final.Instructions.LastOrDefault(i => i.Name == "HEALTHCHECK")?.Arguments ?? "";
        problems.Check(health.Contains("/healthz", StringComparison.Ordinal), $"{file}: HEALTHCHECK does not request /healthz: '{health}'");
        var expose = final.Instructions.Where(i => i.Name == "EXPOSE").SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Select(p => p.Split('/')[0]).ToList();
        problems.Check(expose.Contains(port.ToString()!), $"{file}: EXPOSE {string.Join(' ', expose)}; app '{appId}' listens on {port}");
        var appPortEnv = final.Instructions.Where(i => i.Name == "ENV").Select(i => Regex.Match(i.Arguments, @"\bAPP_PORT[= ]\s*""?(\d+)")).FirstOrDefault(m => m.Success)?.Groups[1].Value;
        problems.Check(appPortEnv == port.ToString(), $"{file}: ENV APP_PORT is {appPortEnv ?? "not set"}; app '{appId}' listens on {port}");
        problems.AssertNone(file);
    }

    [Theory]
    [MemberData(nameof(AppIds))]
    public void The_entrypoint_runs_the_dll_the_project_builds(string appId)
    {
        var (file, dockerfile) = Load(appId);
        var projectDir = Platform.App(appId).ProjectDir;
        var project = Directory.GetFiles(Repo.Path(projectDir), "*.csproj").Single();
        var assemblyName = XDocument.Load(project).Descendants("AssemblyName").LastOrDefault()?.Value ?? Path.GetFileNameWithoutExtension(project);
        var entrypoint = dockerfile.Stages[^1].Instructions.LastOrDefault(i => i.Name == "ENTRYPOINT")?.Arguments ?? "";
        Assert.True(entrypoint.Contains($"\"{assemblyName}.dll\"", StringComparison.Ordinal) || Regex.IsMatch(entrypoint, $@"(^|[\s/]){Regex.Escape(assemblyName)}\.dll\b"),
            $"{file}: ENTRYPOINT {entrypoint} does not run {assemblyName}.dll, which {Repo.Display(project)} builds");
    }

    [Theory]
    [MemberData(nameof(AppIds))]
    public void Every_copy_source_exists_in_the_build_context(string appId)
    {
        var (file, dockerfile) = Load(appId);
        var problems = new Problems();
        foreach (var copy in dockerfile.Stages.SelectMany(s => s.Instructions).Where(i => i.Name is "COPY" or "ADD"))
        {
            var words = copy.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
            if (words.Any(w => w.StartsWith("--from", StringComparison.Ordinal)))
            {
                continue;
            }

            var paths = words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).Select(w => w.Trim('[', ']', ',', '"')).Where(w => w.Length > 0).ToList();
            foreach (var source in paths.Take(paths.Count - 1))
            {
                problems.Check(Exists(source), $"{file}: {copy.Name} {copy.Arguments}: '{source}' does not exist in the build context (the repository root)");
            }
        }

        problems.AssertNone(file);
    }

    [Fact]
    public void The_dockerignore_keeps_build_output_git_and_tests_out_of_the_context()
    {
        var lines = Repo.ReadRequired(".dockerignore").Split('\n').Select(l => l.Trim().TrimStart('/').TrimEnd('/')).Where(l => l.Length > 0 && !l.StartsWith('#')).ToHashSet();
        var problems = new Problems();
        foreach (var (what, patterns) in new[] { ("bin", new[] { "**/bin", "bin", "**/bin/" }), ("obj", ["**/obj", "obj"]), (".git", [".git"]), ("tests", ["tests", "tests/**"]) })
        {
            problems.Check(patterns.Any(lines.Contains), $".dockerignore: does not exclude {what} (expected one of {string.Join(", ", patterns)})");
        }

        problems.AssertNone(".dockerignore");
    }

    private static bool Exists(string source)
    {
        var path = Repo.Path(source.TrimStart('/'));
        if (!source.Contains('*') && !source.Contains('?'))
        {
            return File.Exists(path) || Directory.Exists(path) || source == ".";
        }

        var dir = Path.GetDirectoryName(path)!;
        return Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir, Path.GetFileName(path)).Any();
    }

    private static (string File, Dockerfile Dockerfile) Load(string appId)
    {
        var file = $"{Platform.App(appId).ProjectDir}/Dockerfile";
        return (file, Dockerfile.Parse(Repo.ReadRequired(file)));
    }
}
