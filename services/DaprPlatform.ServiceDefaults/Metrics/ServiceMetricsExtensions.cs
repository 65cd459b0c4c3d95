using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;

namespace DaprPlatform.ServiceDefaults;

/// <summary>A service's business instruments, all on one meter whose name the class states once.</summary>
public interface IServiceMetrics
{
    /// <summary>The meter's name, e.g. "DaprPlatform.Ordering"; Prometheus names come from the instruments'.</summary>
    static abstract string MeterName { get; }
}

public static class ServiceMetricsExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TMetrics"/> (a singleton that creates its meter with IMeterFactory, so each host
    /// has meters of its own) and exports its meter with the platform's metrics on /metrics.
    /// </summary>
    public static IHostApplicationBuilder AddServiceMetrics<TMetrics>(this IHostApplicationBuilder builder)
        where TMetrics : class, IServiceMetrics
    {
        builder.Services.AddSingleton<TMetrics>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics.AddMeter(TMetrics.MeterName));
        return builder;
    }
}
