using Xunit;

namespace DaprPlatform.Cli.Tests.Integration;

/// <summary>
/// The tests that start real CLI, sidecar and app processes run one class at a time: on a 2-core machine parallel
/// start-ups only make each other slow enough to time out.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CliProcessCollection
{
    public const string Name = "CLI processes";
}
