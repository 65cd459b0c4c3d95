using DaprPlatform.Testing;
using Xunit;

namespace DaprPlatform.Sidecar.Tests.Spine;

/// <summary>An invalid resource stops the sidecar at start-up with a message naming the file and the field.</summary>
public sealed class StartupFailureTests : IDisposable
{
    private readonly ResourcesDirectory _resources = new();

    public void Dispose() => _resources.Dispose();

    [Fact]
    public async Task Unknown_component_type_names_file_and_field()
    {
        _resources.AddComponent("broken", "state.nosuchthing");

        var output = await RunUntilExitAsync();

        Assert.Contains("broken.yaml", output, StringComparison.Ordinal);
        Assert.Contains("spec.type", output, StringComparison.Ordinal);
        Assert.Contains("state.nosuchthing", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Missing_secret_reference_names_the_field()
    {
        _resources.AddLocalFileSecretStore(new Dictionary<string, string> { ["present"] = "x" }, name: "localsecrets");
        _resources.AddFile("needs-secret.yaml", """
            apiVersion: dapr.io/v1alpha1
            kind: Component
            metadata:
              name: needs-secret
            spec:
              type: state.in-memory
              version: v1
              metadata:
              - name: password
                secretKeyRef:
                  name: absent
            auth:
              secretStore: localsecrets
            """);

        var output = await RunUntilExitAsync();

        Assert.Contains("needs-secret.yaml", output, StringComparison.Ordinal);
        Assert.Contains("spec.metadata[0].secretKeyRef.name", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_flag_is_rejected()
    {
        await using var process = SidecarProcess.StartWithArguments(["--app-id", "x", "--bogus-flag", "1"]);

        var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.Equal(1, exit);
        Assert.Contains("flag provided but not defined: -bogus-flag", process.Output, StringComparison.Ordinal);
    }

    private async Task<string> RunUntilExitAsync()
    {
        await using var process = SidecarProcess.StartWithArguments(
            ["--app-id", "startup-test", "--resources-path", _resources.Path,
             "--dapr-http-port", FreePort.Get().ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--dapr-grpc-port", FreePort.Get().ToString(System.Globalization.CultureInfo.InvariantCulture),
             "--metrics-port", FreePort.Get().ToString(System.Globalization.CultureInfo.InvariantCulture)]);

        var exit = await process.WaitForExitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);

        Assert.True(exit == 1, process.Describe());
        return process.Output;
    }
}
