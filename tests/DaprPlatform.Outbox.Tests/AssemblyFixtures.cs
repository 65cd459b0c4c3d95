using DaprPlatform.Testing;

// Real PostgreSQL for the outbox table, real RabbitMQ behind a real sidecar for the publishes.
[assembly: AssemblyFixture(typeof(InfraFixture))]
