using System.Text;
using System.Text.Json.Nodes;

namespace DaprPlatform.Sdk.Tests.Infrastructure;

/// <summary>One request exactly as it reached the fake sidecar: raw request target, headers and body bytes.</summary>
public sealed record RecordedRequest(string Method, string RawTarget, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Path => RawTarget.Split('?', 2)[0];

    public string Query => RawTarget.Contains('?') ? "?" + RawTarget.Split('?', 2)[1] : string.Empty;

    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? ContentType => Header("Content-Type");

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public JsonNode? Json => JsonNode.Parse(Body);
}
