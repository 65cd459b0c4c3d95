using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serilog;
using Serilog.Formatting.Compact;

namespace DaprPlatform.ServiceDefaults;

/// <summary>
/// What every DaprPlatform service has, added with one call in its Program.cs (in the manner of dotnet/eShop's
/// ServiceDefaults): structured logs, traces and metrics, liveness and readiness, RFC 7807 errors, OpenAPI, the
/// Dapr client and the clock.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public const string LivenessPath = "/healthz";
    public const string ReadinessPath = "/readyz";
    public const string MetricsPath = "/metrics";

    // Checks tagged so run only for readiness: a service whose sidecar is gone is alive but not ready.
    public const string ReadyTag = "ready";

    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        // Connection strings, keys and the admin seed come from the secret store, before anything reads them.
        builder.AddDaprSecretStoreConfiguration();
        builder.UseAppPort();

        // Compact JSON on stdout: one event per line that log shippers read as is; levels from configuration
        // ("Serilog" section), request logs from UseSerilogRequestLogging instead of the framework's per-request noise.
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
            // Every SQL command at Information drowns the service's own events.
            .MinimumLevel.Override("Microsoft.EntityFrameworkCore", Serilog.Events.LogEventLevel.Warning)
            // So do four lines per outgoing call from HttpClientFactory and two per proxied request from YARP: at
            // platform load they were most of what the services wrote, and the request log already has each request.
            .MinimumLevel.Override("System.Net.Http.HttpClient", Serilog.Events.LogEventLevel.Warning)
            .MinimumLevel.Override("Yarp", Serilog.Events.LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .WriteTo.Console(new RenderedCompactJsonFormatter()));

        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName;
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing
                .AddSource(serviceName)
                .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsInfrastructurePath(context.Request.Path))
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddPrometheusExporter());
        // Traces leave the process only when a collector is configured, as OpenTelemetry's own variable says.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy())
            .AddCheck<DaprSidecarHealthCheck>("dapr-sidecar", tags: [ReadyTag]);

        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.AddDaprClient();
        // Services read the clock through TimeProvider, so tests can move it.
        builder.Services.TryAddSingleton(TimeProvider.System);
        return builder;
    }

    /// <summary>
    /// Error handling, request logs, the app token check and the endpoints every service exposes: health, metrics,
    /// OpenAPI. <paramref name="publicEntry"/> is for the gateway, which users call directly: it does not ask for the
    /// sidecar's app token.
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app, bool publicEntry = false)
    {
        // Unhandled exceptions and bare error statuses become problem details; the exception itself stays in the log.
        // A body or parameter that cannot be bound is the client's error (400), in every environment.
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError,
        });
        app.UseStatusCodePages();
        if (!publicEntry)
        {
            app.UseMiddleware<DaprAppTokenMiddleware>();
        }

        app.UseSerilogRequestLogging(options => options.GetLevel = (context, _, exception) =>
            exception is not null || context.Response.StatusCode >= 500 ? Serilog.Events.LogEventLevel.Error
            : IsInfrastructurePath(context.Request.Path) ? Serilog.Events.LogEventLevel.Verbose
            : Serilog.Events.LogEventLevel.Information);

        app.MapHealthChecks(LivenessPath, new HealthCheckOptions { Predicate = check => !check.Tags.Contains(ReadyTag) });
        app.MapHealthChecks(ReadinessPath);
        app.MapPrometheusScrapingEndpoint(MetricsPath);
        app.MapOpenApi();
        return app;
    }

    private static bool IsInfrastructurePath(Microsoft.AspNetCore.Http.PathString path) =>
        path.StartsWithSegments(LivenessPath) || path.StartsWithSegments(ReadinessPath) || path.StartsWithSegments(MetricsPath);
}
