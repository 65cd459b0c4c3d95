using System.Security.Cryptography;
using DaprPlatform.WebConsole.Gateway;
using Microsoft.AspNetCore.Components.Server.ProtectedBrowserStorage;

namespace DaprPlatform.WebConsole.Session;

public sealed record CartLine(int ProductId, string Name, decimal UnitPrice, int Quantity)
{
    public decimal Total => UnitPrice * Quantity;
}

/// <summary>The shopper's cart, kept with the session so it survives a reload of the page.</summary>
public sealed partial class Cart(ProtectedSessionStorage storage, ILogger<Cart> logger)
{
    private const string StorageKey = "console-cart";

    private Task? _loading;
    private List<CartLine> _lines = [];

    public IReadOnlyList<CartLine> Lines => _lines;

    public int Count => _lines.Sum(l => l.Quantity);

    public decimal Total => _lines.Sum(l => l.Total);

    public event Action? Changed;

    public Task LoadAsync() => _loading ??= LoadOnceAsync();

    public Task AddAsync(ProductItem product, int quantity = 1)
    {
        var existing = _lines.FindIndex(l => l.ProductId == product.Id);
        if (existing >= 0)
        {
            _lines[existing] = _lines[existing] with { Quantity = _lines[existing].Quantity + quantity };
        }
        else
        {
            _lines.Add(new CartLine(product.Id, product.Name, product.Price, quantity));
        }

        return SaveAsync();
    }

    public Task SetQuantityAsync(int productId, int quantity)
    {
        var index = _lines.FindIndex(l => l.ProductId == productId);
        if (index >= 0)
        {
            if (quantity <= 0)
            {
                _lines.RemoveAt(index);
            }
            else
            {
                _lines[index] = _lines[index] with { Quantity = quantity };
            }
        }

        return SaveAsync();
    }

    public Task ClearAsync()
    {
        _lines = [];
        return SaveAsync();
    }

    private async Task LoadOnceAsync()
    {
        try
        {
            if (await storage.GetAsync<List<CartLine>>(StorageKey) is { Success: true, Value: { } lines })
            {
                _lines = lines;
                Changed?.Invoke();
            }
        }
        catch (Exception e) when (e is CryptographicException or InvalidOperationException or ArgumentException
                                      or TaskCanceledException or Microsoft.JSInterop.JSException)
        {
            LogStorageUnavailable(e);
        }
    }

    private async Task SaveAsync()
    {
        Changed?.Invoke();
        try
        {
            await storage.SetAsync(StorageKey, _lines);
        }
        catch (Exception e) when (e is InvalidOperationException or TaskCanceledException or Microsoft.JSInterop.JSException)
        {
            LogStorageUnavailable(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The cart could not be kept in the browser's session storage")]
    private partial void LogStorageUnavailable(Exception exception);
}
