// The one assembly fixture of this project: real Redis and RabbitMQ, started once for every test here. Add other
// assembly fixtures here, never in a second file.
[assembly: AssemblyFixture(typeof(InfraFixture))]
