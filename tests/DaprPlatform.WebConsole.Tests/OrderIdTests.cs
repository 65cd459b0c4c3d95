using DaprPlatform.WebConsole.Components.Pages;

namespace DaprPlatform.WebConsole.Tests;

/// <summary>The short order ids the console shows in links and headings.</summary>
public sealed class OrderIdTests
{
    [Fact]
    public void Orders_placed_in_the_same_minute_have_different_short_ids()
    {
        // Ordering's ids are version-7 GUIDs: placed at the same moment, they share their leading (timestamp) characters.
        var placedAt = DateTimeOffset.UtcNow;
        var first = Guid.CreateVersion7(placedAt).ToString();
        var second = Guid.CreateVersion7(placedAt).ToString();
        Assert.Equal(first[..8], second[..8]);

        Assert.NotEqual(Orders.ShortId(first), Orders.ShortId(second));
        Assert.Equal(8, Orders.ShortId(first).Length);
    }

    [Fact]
    public void A_short_id_is_shown_whole() => Assert.Equal("abc", Orders.ShortId("abc"));
}
