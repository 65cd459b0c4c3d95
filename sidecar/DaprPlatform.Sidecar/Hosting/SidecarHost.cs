using System.Net;
using DaprPlatform.Sidecar.Api;
using DaprPlatform.Sidecar.Api.Grpc;
using DaprPlatform.Sidecar.Components;
using DaprPlatform.Sidecar.Resources;
using DaprPlatform.Sidecar.Runtime;
using DaprPlatform.Sidecar.Runtime.PubSub;
using DaprPlatform.Sidecar.Runtime.Workflow;
using DaprPlatform.Sidecar.Runtime.Invocation;
using DaprPlatform.Sidecar.Runtime.Metrics;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace DaprPlatform.Sidecar.Hosting;

/// <summary>Builds the sidecar: its listeners (HTTP API, gRPC API, internal, metrics), services and routes.</summary>
public static class SidecarHost
{
    public static WebApplication Build(SidecarOptions options, LoadedResources resources, Action<IServiceCollection>? configure = null)
    {
        options = InvocationServices.WithInternalPort(options);
        // daprd is configured by its flags only: the content root is the sidecar's own directory (an app's
        // appsettings.json in the working directory must not reach it), and nothing is watched for changes.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
            ApplicationName = "daprd",
            ContentRootPath = AppContext.BaseDirectory,
        });
        ConfigureLogging(builder.Logging, options);
        ConfigureKestrel(builder.WebHost, options);

        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(resources);
        services.AddSingleton(resources.Configuration);
        services.AddSingleton<RuntimeMetadata>();
        services.AddSingleton<StartupComponents>();
        services.AddSingleton(sp => sp.GetRequiredService<StartupComponents>().Registry);
        services.AddServiceInvocation();
        services.AddSingleton<ComponentCalls>();
        services.AddSingleton<AppChannel>();
        services.AddSingleton<AppReadinessService>();
        services.AddHostedService(sp => sp.GetRequiredService<AppReadinessService>());
        services.AddSingleton(TimeProvider.System);
        services.AddPubSubRuntime();
        services.AddWorkflowEngine();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, LocalPortMatcherPolicy>());
        services.AddDaprGrpcApi(options);
        configure?.Invoke(services);

        var app = builder.Build();
        app.UseMiddleware<HttpServerMetricsMiddleware>();
        app.UseMiddleware<ErrorHandlingMiddleware>();
        if (options.ApiToken is { } token)
        {
            app.UseWhen(
                context => context.Connection.LocalPort == options.HttpPort || context.Connection.LocalPort == options.GrpcPort,
                branch => branch.UseMiddleware<ApiTokenMiddleware>(token));
        }

        // Routing runs here, after the invocation branches; WebApplication would otherwise put it first.
        app.UseInvokeApi(options);
        app.UseInternalInvocation(options);
        app.UseRouting();
        app.MapDaprHttpApi(options);
        app.MapDaprGrpcApi(options);
        return app;
    }

    /// <summary>Loads every component before the listeners open, as daprd does; a failure stops start-up.</summary>
    public static async Task InitializeAsync(WebApplication app, CancellationToken cancellationToken)
    {
        var startup = app.Services.GetRequiredService<StartupComponents>();
        var options = app.Services.GetRequiredService<SidecarOptions>();
        var resources = app.Services.GetRequiredService<LoadedResources>();
        startup.Registry = await ComponentRegistry.CreateAsync(resources.Components, options, app.Services, cancellationToken);
        app.Services.GetRequiredService<RuntimeMetadata>().ComponentsReady = true;
    }

    private static void ConfigureKestrel(IWebHostBuilder webHost, SidecarOptions options)
    {
        webHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            HeaderEncodings.PassHeaderBytes(kestrel);
            kestrel.Limits.MaxRequestBodySize = options.MaxBodySizeBytes;
            kestrel.Limits.Http2.MaxStreamsPerConnection = 1000;
            foreach (var address in ListenAddresses(options))
            {
                kestrel.Listen(address, options.HttpPort, l => l.Protocols = HttpProtocols.Http1);
                kestrel.Listen(address, options.GrpcPort, l => l.Protocols = HttpProtocols.Http2);
                if (options.InternalGrpcPort is { } internalPort)
                {
                    kestrel.Listen(address, internalPort, l => l.Protocols = HttpProtocols.Http1);
                }

                if (options.EnableMetrics)
                {
                    kestrel.Listen(address, options.MetricsPort, l => l.Protocols = HttpProtocols.Http1);
                }
            }
        });
    }

    private static IEnumerable<IPAddress> ListenAddresses(SidecarOptions options) =>
        options.ListenAddress.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(a => a == "localhost" ? IPAddress.Loopback : IPAddress.Parse(a));

    private static void ConfigureLogging(ILoggingBuilder logging, SidecarOptions options)
    {
        logging.ClearProviders();
        logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffK ";
            o.UseUtcTimestamp = true;
        });
        var level = options.LogLevel.ToLowerInvariant() switch
        {
            "debug" => LogLevel.Debug,
            "warn" or "warning" => LogLevel.Warning,
            "error" => LogLevel.Error,
            "fatal" => LogLevel.Critical,
            _ => LogLevel.Information,
        };
        logging.SetMinimumLevel(level);
        logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        logging.AddFilter("Microsoft.Hosting", LogLevel.Warning);
        logging.AddFilter("System.Net.Http", LogLevel.Warning);
        // ASP.NET Core starts an Activity for every request whenever its request logger is enabled at any level; the
        // sidecar propagates trace context itself, so that logger is off unless API logging asks for it.
        logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", options.EnableApiLogging ? LogLevel.Information : LogLevel.None);
    }
}

/// <summary>
/// Holds the components loaded at start-up for the services that need them, and closes them when the host is
/// disposed (after it stopped). Closing is awaited there rather than blocked on in an ApplicationStopped callback,
/// which could wait forever for a continuation queued behind the blocked thread.
/// </summary>
public sealed class StartupComponents : IAsyncDisposable
{
    private ComponentRegistry? _registry;

    public ComponentRegistry Registry
    {
        get => _registry ?? throw new InvalidOperationException("components are not loaded yet");
        set => _registry = value;
    }

    public ValueTask DisposeAsync() => _registry?.DisposeAsync() ?? ValueTask.CompletedTask;
}
