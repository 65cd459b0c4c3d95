using DaprPlatform.Testing;

// The one assembly fixture of this project: real PostgreSQL (each test class gets a database of its own) and, for the
// live pub/sub tests, real RabbitMQ behind a real sidecar.
[assembly: AssemblyFixture(typeof(InfraFixture))]
