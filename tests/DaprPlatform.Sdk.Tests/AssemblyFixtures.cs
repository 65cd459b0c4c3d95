using DaprPlatform.Testing;
using Xunit;

// The one assembly fixture of this project: real Redis, PostgreSQL and RabbitMQ for the Integration/ tests, which
// run the SDK against real sidecar processes (each class fixture takes InfraFixture in its constructor). Add other
// assembly fixtures here, never in a second file.
[assembly: AssemblyFixture(typeof(InfraFixture))]
