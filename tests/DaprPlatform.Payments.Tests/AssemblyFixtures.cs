using DaprPlatform.Testing;

// The one assembly fixture of this project: real Redis, where the payments ledger lives behind a real sidecar.
[assembly: AssemblyFixture(typeof(InfraFixture))]
