using Xunit;

namespace DaprPlatform.Testing;

/// <summary>Polling for outcomes that arrive asynchronously (deliveries, expiry, a worker connecting).</summary>
public static class Eventually
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    /// <summary>True as soon as <paramref name="condition"/> holds; false once <paramref name="timeout"/> passed.</summary>
    public static async Task<bool> ReturnsAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(PollInterval, TestContext.Current.CancellationToken);
        }
    }
}
