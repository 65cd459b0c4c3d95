using System.Text.Json;
using System.Text.Json.Serialization;

namespace DaprPlatform.InteropInventory;

public sealed record ReservationRequest(string OrderId, string Item, int Quantity);

/// <summary>What the JavaScript shipping app answers to "quote".</summary>
public sealed record ShippingQuote(decimal Cost, string QuotedBy);

public sealed record Reservation(string OrderId, string Item, int Quantity, string ReservedBy, ShippingQuote Shipping);

/// <summary>The event the JavaScript checkout app publishes on the orders topic.</summary>
public sealed record OrderPlaced(string OrderId, string Item, int Quantity);

/// <summary>An order event as this app received it, with the CloudEvent attributes daprd set (Dapr.AspNetCore forwards these two).</summary>
public sealed record ReceivedOrder(OrderPlaced Order, string? Source, string? Topic);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ReservationRequest))]
[JsonSerializable(typeof(ShippingQuote))]
[JsonSerializable(typeof(Reservation))]
[JsonSerializable(typeof(OrderPlaced))]
[JsonSerializable(typeof(List<ReceivedOrder>))]
internal sealed partial class InteropJsonContext : JsonSerializerContext;
