using System.Text.Json.Serialization;

namespace DaprPlatform.Dapr.Workflow;

[JsonConverter(typeof(JsonStringEnumConverter<CompensationStepStatus>))]
public enum CompensationStepStatus
{
    Succeeded,
    Failed,
}
