
namespace DaprPlatform.Conformance.Tests.Workflows;

/// <summary>One sidecar and one app for the tests of a class that neither kill nor restart them.</summary>
public sealed class SharedWorkflowEnvironment(InfraFixture infra) : IAsyncLifetime
{
    private WorkflowEnvironment? _environment;

    public WorkflowEnvironment Environment =>
        _environment ?? throw new InvalidOperationException("The environment is used before xunit initialized it.");

    public async ValueTask InitializeAsync() => _environment = await WorkflowEnvironment.StartAsync(infra);

    public async ValueTask DisposeAsync()
    {
        if (_environment is not null)
        {
            await _environment.DisposeAsync();
        }
    }
}
