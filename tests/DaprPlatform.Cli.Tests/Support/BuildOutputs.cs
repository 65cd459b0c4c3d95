using System.Reflection;
using DaprPlatform.Testing;

namespace DaprPlatform.Cli.Tests.Support;

/// <summary>The build outputs the integration tests run, in the configuration the tests were built in.</summary>
internal static class BuildOutputs
{
    public static string Configuration { get; } =
        typeof(BuildOutputs).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration is { Length: > 0 } c ? c : "Debug";

    public static string CliDll => Existing(RepositoryRoot.Combine("cli", "DaprPlatform.Cli", "bin", Configuration, "net10.0", "dapr-dev.dll"));

    public static string Daprd => Existing(SidecarProcess.SidecarPath);

    public static string OrderDemoDll => Existing(RepositoryRoot.Combine("samples", "OrderDemo", "bin", Configuration, "net10.0", "OrderDemo.dll"));

    private static string Existing(string path) =>
        File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built; build tests/DaprPlatform.Cli.Tests in {Configuration} first.", path);
}
