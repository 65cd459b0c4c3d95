namespace DaprPlatform.Conformance.Tests.Infrastructure;

public sealed record Order(string Id, int Quantity);
