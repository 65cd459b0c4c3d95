using DaprPlatform.Testing;

// The one assembly fixture of this project: real PostgreSQL for the orders, real Redis for the workflows and the
// payments ledger, each behind a real sidecar.
[assembly: AssemblyFixture(typeof(InfraFixture))]
