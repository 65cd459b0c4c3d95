namespace DaprPlatform.Catalog.Model;

/// <summary>A product and its stock: <see cref="AvailableStock"/> is what can still be reserved.</summary>
public sealed class Product
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public string Description { get; set; } = "";

    public decimal Price { get; set; }

    public int AvailableStock { get; set; }
}
