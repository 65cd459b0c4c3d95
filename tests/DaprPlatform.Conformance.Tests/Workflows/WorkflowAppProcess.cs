using System.Globalization;
using System.Reflection;

namespace DaprPlatform.Conformance.Tests.Workflows;

/// <summary>tests/apps/WorkflowApp (a worker using AddDaprWorkflow) as a real process, so a test can kill it.</summary>
public static class WorkflowAppProcess
{
    public static ManagedProcess Start(int sidecarGrpcPort, ExecutionJournalFile journal)
    {
        var dll = RepositoryRoot.Combine("tests", "apps", "WorkflowApp", "bin", BuildConfiguration(), "net10.0", "WorkflowApp.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"The workflow app is not built at {dll}; build tests/apps/WorkflowApp first.", dll);
        }

        return ManagedProcess.Start(
            "dotnet",
            [dll],
            new Dictionary<string, string?>
            {
                ["DAPR_GRPC_PORT"] = sidecarGrpcPort.ToString(CultureInfo.InvariantCulture),
                ["DAPR_GRPC_ENDPOINT"] = null,
                ["DAPR_API_TOKEN"] = null,
                ["WORKFLOW_APP_JOURNAL"] = journal.Path,
                ["DOTNET_ENVIRONMENT"] = "Production",
            });
    }

    // The app is built (as a reference of this project) in the configuration of the running tests.
    private static string BuildConfiguration() =>
        typeof(WorkflowAppProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration is { Length: > 0 } configuration
            ? configuration
            : "Debug";
}
