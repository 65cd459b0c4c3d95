using DaprPlatform.Testing;

// The one assembly fixture of this project: real PostgreSQL (each test class gets a database of its own).
[assembly: AssemblyFixture(typeof(InfraFixture))]
