namespace DaprPlatform.OrderDemo;

public sealed record OrderRequest(string Item, int Quantity);

public sealed record Order(string Id, string Item, int Quantity, string TakenBy, string ReservedBy);

public sealed record ReservationRequest(string OrderId, string Item, int Quantity);

public sealed record Reservation(string OrderId, string ReservedBy);

public sealed record Identity(string AppId);

/// <summary>What the app sees of the Dapr environment the CLI gave it.</summary>
public sealed record AppInfo(
    string? AppId,
    string? AppPort,
    string? AppProtocol,
    string? DaprHttpPort,
    string? DaprGrpcPort,
    string? DaprMetricsPort,
    string? AppChannelAddress,
    string? PeerAppId);
