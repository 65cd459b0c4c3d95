namespace DaprPlatform.Dapr.AspNetCore;

/// <summary>A CloudEvent split into its attributes and the payload the handler should see as its request body.</summary>
internal sealed record UnwrappedCloudEvent(CloudEventEnvelope Envelope, byte[] Data, string? ContentType);
