using System.Text.Json.Serialization;

using Dapr.Workflow;

namespace DaprPlatform.Workflow.Saga;

[JsonConverter(typeof(JsonStringEnumConverter<CompensationStepStatus>))]
public enum CompensationStepStatus
{
    Succeeded,
    Failed,
}
