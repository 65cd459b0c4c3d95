using Microsoft.AspNetCore.Http;

namespace DaprPlatform.Conformance.Tests.Infrastructure;

/// <summary>
/// The CloudEvent attributes of a delivery, as Dapr.AspNetCore's CloudEvents middleware forwards them
/// (<c>ForwardCloudEventPropertiesAsHeaders</c>: one <c>Cloudevent.&lt;attribute&gt;</c> header each).
/// </summary>
public sealed record CloudEventHeaders(
    string? Id, string? Source, string? Type, string? SpecVersion, string? DataContentType, string? Topic, string? PubsubName, string? TraceParent)
{
    public static CloudEventHeaders From(HttpRequest request)
    {
        string? Header(string attribute) => request.Headers[$"Cloudevent.{attribute}"] is { Count: > 0 } values ? values.ToString() : null;
        return new CloudEventHeaders(
            Header("id"), Header("source"), Header("type"), Header("specversion"), Header("datacontenttype"), Header("topic"), Header("pubsubname"), Header("traceparent"));
    }
}
