using DaprPlatform.Testing;

// The one assembly fixture of this project: real Redis for the EndToEnd/ tests, which run workflows through real
// sidecar processes on state.redis. Add other assembly fixtures here, never in a second file.
[assembly: AssemblyFixture(typeof(InfraFixture))]
