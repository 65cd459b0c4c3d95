using System.Globalization;
using System.Net;
using DaprPlatform.Workflows.OrderSaga;

namespace DaprPlatform.Ordering.Clients;

public sealed record CatalogProduct(int Id, string Name, decimal Price, int Stock);

internal sealed record CatalogReserveRequest(string ReservationId, string OrderId, IReadOnlyList<CatalogReserveLine> Lines);

internal sealed record CatalogReserveLine(int ProductId, int Quantity);

internal sealed record CatalogReservation(string ReservationId, string OrderId, bool Reserved, string Status, string? Reason);

/// <summary>The catalog service through Dapr service invocation (app id "catalog"), on one pooled HttpClient.</summary>
public sealed class CatalogClient(HttpClient http)
{
    public const string AppId = "catalog";

    public async Task<CatalogProduct?> GetProductAsync(int id, CancellationToken ct)
    {
        using var response = await http.GetAsync($"products/{id.ToString(CultureInfo.InvariantCulture)}", ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return response.IsSuccessStatusCode
            ? await response.Content.ReadFromJsonAsync<CatalogProduct>(ct)
            : throw await DownstreamException.FromAsync(AppId, "get product", response, ct);
    }

    /// <summary>Reserves every line or none; the reservation id is the order id, so a retried call reserves once.</summary>
    public async Task<ReservationOutcome> ReserveAsync(ReserveInventoryInput input, CancellationToken ct)
    {
        var lines = input.Lines.Select(line => new CatalogReserveLine(int.Parse(line.ProductId, CultureInfo.InvariantCulture), line.Quantity)).ToList();
        using var response = await http.PostAsJsonAsync("reservations", new CatalogReserveRequest(input.OrderId, input.OrderId, lines), ct);
        if (!response.IsSuccessStatusCode)
        {
            throw await DownstreamException.FromAsync(AppId, "reserve", response, ct);
        }

        var reservation = await response.Content.ReadFromJsonAsync<CatalogReservation>(ct)
            ?? throw new DownstreamException(AppId, "reserve", response.StatusCode, "empty body");
        return new ReservationOutcome(reservation.Reserved, reservation.Reserved ? reservation.ReservationId : null, reservation.Reason);
    }

    /// <summary>Gives the stock back. A reservation catalog never made (404) has nothing to release.</summary>
    public async Task ReleaseAsync(string reservationId, CancellationToken ct)
    {
        using var response = await http.PostAsync($"reservations/{Uri.EscapeDataString(reservationId)}/release", content: null, ct);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.NotFound)
        {
            throw await DownstreamException.FromAsync(AppId, "release", response, ct);
        }
    }

    /// <summary>Turns the reservation into a sale; committing twice is answered like the first time.</summary>
    public async Task CommitAsync(string reservationId, CancellationToken ct)
    {
        using var response = await http.PostAsync($"reservations/{Uri.EscapeDataString(reservationId)}/commit", content: null, ct);
        if (!response.IsSuccessStatusCode)
        {
            throw await DownstreamException.FromAsync(AppId, "commit", response, ct);
        }
    }
}
