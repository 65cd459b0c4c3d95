namespace DaprPlatform.InteropInventory;

/// <summary>
/// Who this app is and whom it talks to, from the environment: APP_ID from `dapr-dev run`, the rest from the
/// interop test (tests/conformance/test/interop.test.js), which also starts the two JavaScript apps.
/// </summary>
public sealed record InteropSettings(string AppId, string ShippingAppId, string PubSub, string OrdersTopic, string ReservationsTopic, string SharedStore)
{
    public const string StateStore = "statestore";

    public static InteropSettings FromEnvironment() => new(
        Required("APP_ID"),
        Required("INTEROP_SHIPPING_APP_ID"),
        Required("INTEROP_PUBSUB"),
        Required("INTEROP_ORDERS_TOPIC"),
        Required("INTEROP_RESERVATIONS_TOPIC"),
        Required("INTEROP_SHARED_STORE"));

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set; start this app with ./dapr-dev run as the interop test does.");
}
