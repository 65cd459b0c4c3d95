using System.Collections.Concurrent;

namespace DaprPlatform.Conformance.Tests.Infrastructure;

/// <summary>One event an endpoint of the subscriber app received: which endpoint, the bound data and the envelope.</summary>
public sealed record Delivery(string Endpoint, JsonElement Data, CloudEventHeaders? Envelope);

/// <summary>What the subscriber app's endpoints received, in arrival order, for tests to wait on.</summary>
public sealed class DeliveryLog
{
    private readonly ConcurrentQueue<Delivery> _deliveries = new();

    public void Add<TData>(string endpoint, TData data, CloudEventHeaders? envelope = null) =>
        _deliveries.Enqueue(new Delivery(endpoint, JsonSerializer.SerializeToElement(data, JsonSerializerOptions.Web), envelope));

    public IReadOnlyList<Delivery> For(string endpoint) => _deliveries.Where(d => d.Endpoint == endpoint).ToList();

    /// <summary>The first <paramref name="count"/> deliveries to <paramref name="endpoint"/>, once they arrived.</summary>
    public async Task<IReadOnlyList<Delivery>> WaitForAsync(string endpoint, int count = 1, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(20);
        var arrived = await Eventually.ReturnsAsync(() => Task.FromResult(For(endpoint).Count >= count), limit);
        var deliveries = For(endpoint);
        Assert.True(arrived, $"{endpoint}: expected {count} deliveries within {limit}, got {deliveries.Count}");
        return deliveries.Take(count).ToList();
    }

    /// <summary>Waits long enough for a redelivery to show, then asserts there were exactly <paramref name="count"/>.</summary>
    public async Task AssertStaysAtAsync(string endpoint, int count)
    {
        await Task.Delay(TimeSpan.FromSeconds(1.5), TestContext.Current.CancellationToken);
        Assert.Equal(count, For(endpoint).Count);
    }
}
