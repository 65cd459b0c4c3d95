using Dapr.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace DaprPlatform.ServiceDefaults;

/// <summary>Ready only while the service's Dapr sidecar answers its health endpoint: without it, no call can succeed.</summary>
public sealed class DaprSidecarHealthCheck(DaprClient dapr) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await dapr.CheckHealthAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("the Dapr sidecar does not answer /v1.0/healthz");
}
