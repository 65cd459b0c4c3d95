using DaprPlatform.Ordering.Apis;
using DaprPlatform.Ordering.Placement;

namespace DaprPlatform.Ordering.Tests;

/// <summary>What makes two placements under one Idempotency-Key the same request.</summary>
public sealed class RequestHashTests
{
    private static string Hash(string paymentMethod, params (int ProductId, int Quantity)[] items) =>
        OrderPlacement.RequestHash(new PlaceOrderRequest([.. items.Select(i => new PlaceOrderItem(i.ProductId, i.Quantity))], paymentMethod));

    [Fact]
    public void The_hash_does_not_depend_on_the_order_of_the_items() =>
        Assert.Equal(Hash("pm_card_visa", (1, 2), (3, 1), (8, 5)), Hash("pm_card_visa", (8, 5), (1, 2), (3, 1)));

    [Fact]
    public void Another_quantity_product_or_payment_method_is_another_request()
    {
        var hashes = new[]
        {
            Hash("pm_card_visa", (1, 2), (3, 1)),
            Hash("pm_card_visa", (1, 2), (3, 2)),
            Hash("pm_card_visa", (1, 2), (4, 1)),
            Hash("pm_card_visa", (1, 2)),
            Hash("pm_card_chargeDeclined", (1, 2), (3, 1)),
            // Digits that run together must not: product 1 × 12 is not product 11 × 2.
            Hash("pm_card_visa", (1, 12)),
            Hash("pm_card_visa", (11, 2)),
        };

        Assert.Equal(hashes.Length, hashes.Distinct().Count());
    }

    [Fact]
    public void A_payment_method_cannot_pose_as_items() =>
        Assert.NotEqual(Hash("pm_card_visa|1x1", (2, 1)), Hash("pm_card_visa", (1, 1), (2, 1)));

    [Fact]
    public void The_hash_is_sha256_hex() => Assert.Matches("^[0-9a-f]{64}$", Hash("pm_card_visa", (1, 1)));
}
