using DaprPlatform.Catalog.Model;

namespace DaprPlatform.Catalog.Infrastructure;

/// <summary>The products a fresh catalog starts with (part of the initial migration).</summary>
public static class CatalogSeed
{
    public static readonly Product[] Products =
    [
        new() { Id = 1, Name = "Espresso beans 1 kg", Description = "Dark roast, whole beans", Price = 24.90m, AvailableStock = 100 },
        new() { Id = 2, Name = "Filter coffee 500 g", Description = "Medium roast, ground", Price = 11.50m, AvailableStock = 200 },
        new() { Id = 3, Name = "Ceramic mug", Description = "350 ml, dishwasher safe", Price = 9.00m, AvailableStock = 150 },
        new() { Id = 4, Name = "Hand grinder", Description = "Conical steel burrs", Price = 79.00m, AvailableStock = 25 },
        new() { Id = 5, Name = "Espresso machine", Description = "15 bar, steam wand", Price = 449.00m, AvailableStock = 10 },
        new() { Id = 6, Name = "Milk frother", Description = "Electric, 240 ml", Price = 39.00m, AvailableStock = 40 },
        new() { Id = 7, Name = "Pour-over kit", Description = "Dripper, filters and kettle", Price = 59.00m, AvailableStock = 30 },
        new() { Id = 8, Name = "Coffee scale", Description = "0.1 g resolution, timer", Price = 29.00m, AvailableStock = 60 },
    ];
}
