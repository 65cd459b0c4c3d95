using System.Text.Json;
using System.Text.Json.Serialization;

namespace DaprPlatform.Dapr.Client.Internal;

/// <summary>daprd's error body, legacy <c>messages.APIError</c> and dapr/kit errors alike.</summary>
internal sealed record DaprErrorBody(
    [property: JsonPropertyName("errorCode")] string? ErrorCode,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("details")] JsonElement? Details);
