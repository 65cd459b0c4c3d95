namespace DaprPlatform.Sdk.Tests.Client;

public sealed record Order(string Id, int Quantity);

public sealed record Product(string Sku, decimal Price);
