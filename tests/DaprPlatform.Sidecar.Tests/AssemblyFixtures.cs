using DaprPlatform.Testing;
using Xunit;

// The one assembly fixture of this project: real Redis, PostgreSQL and RabbitMQ, shared by every test class
// (each takes InfraFixture in its constructor). Add other assembly fixtures here, never in a second file.
[assembly: AssemblyFixture(typeof(InfraFixture))]
