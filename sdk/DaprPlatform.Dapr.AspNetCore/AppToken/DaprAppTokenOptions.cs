namespace DaprPlatform.Dapr.AspNetCore;

/// <summary>Inbound authentication of calls from the sidecar (daprd sends <c>APP_API_TOKEN</c> as <c>dapr-api-token</c>).</summary>
public sealed class DaprAppTokenOptions
{
    public const string AppApiTokenVariable = "APP_API_TOKEN";

    /// <summary>The expected token; when unset, <c>APP_API_TOKEN</c> from configuration or the environment is used. No token, no check.</summary>
    public string? Token { get; set; }

    /// <summary>Path prefixes served without a token, so orchestrator probes keep working.</summary>
    public IList<string> ExcludedPaths { get; } = ["/healthz", "/health", "/alive"];
}
