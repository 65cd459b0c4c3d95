using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Conformance.Tests.Infrastructure;

/// <summary>
/// The CloudEvent attributes of a delivery, as Dapr.AspNetCore's CloudEvents middleware forwards them
/// (<c>ForwardCloudEventPropertiesAsHeaders</c>: one <c>Cloudevent.&lt;attribute&gt;</c> header each; it never forwards
/// datacontenttype, pubsubname and traceparent), and the <c>traceparent</c> header daprd sends with every delivery.
/// </summary>
public sealed record CloudEventHeaders(string? Id, string? Source, string? Type, string? SpecVersion, string? Topic, string? TraceParent)
{
    public static CloudEventHeaders From(HttpRequest request)
    {
        string? Header(string name) => request.Headers[name] is { Count: > 0 } values ? values.ToString() : null;
        return new CloudEventHeaders(
            Header("Cloudevent.id"), Header("Cloudevent.source"), Header("Cloudevent.type"), Header("Cloudevent.specversion"), Header("Cloudevent.topic"), Header("traceparent"));
    }
}
