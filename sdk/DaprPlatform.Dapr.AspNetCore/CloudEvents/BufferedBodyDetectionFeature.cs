using Microsoft.AspNetCore.Http.Features;

namespace DaprPlatform.Dapr.AspNetCore;

/// <summary>
/// Minimal APIs decide "no body" from this feature, not from the stream; after unwrapping an event without data the
/// server's answer (the envelope had a body) would be wrong.
/// </summary>
internal sealed class BufferedBodyDetectionFeature(bool canHaveBody) : IHttpRequestBodyDetectionFeature
{
    public bool CanHaveBody { get; } = canHaveBody;
}
