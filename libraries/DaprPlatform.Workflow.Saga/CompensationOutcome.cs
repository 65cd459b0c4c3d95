using System.Text.Json.Serialization;

using Dapr.Workflow;

namespace DaprPlatform.Workflow.Saga;

/// <summary>How undoing a saga ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CompensationOutcome>))]
public enum CompensationOutcome
{
    /// <summary>Every compensation succeeded: the completed steps are undone.</summary>
    Compensated,

    /// <summary>At least one compensation failed (after its retries); the system needs attention.</summary>
    CompensationFailed,
}
