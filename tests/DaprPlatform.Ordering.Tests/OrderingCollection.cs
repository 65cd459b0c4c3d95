namespace DaprPlatform.Ordering.Tests;

/// <summary>
/// The test classes that share one <see cref="OrderingPlatform"/>. Catalog and payments must answer under their
/// platform app ids, so there is one of each: the classes take turns on them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class OrderingCollection : ICollectionFixture<OrderingPlatform>
{
    public const string Name = "ordering platform";
}
