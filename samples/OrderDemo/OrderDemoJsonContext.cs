using System.Text.Json;
using System.Text.Json.Serialization;

namespace DaprPlatform.OrderDemo;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(OrderRequest))]
[JsonSerializable(typeof(Order))]
[JsonSerializable(typeof(ReservationRequest))]
[JsonSerializable(typeof(Reservation))]
[JsonSerializable(typeof(Identity))]
[JsonSerializable(typeof(AppInfo))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class OrderDemoJsonContext : JsonSerializerContext;
