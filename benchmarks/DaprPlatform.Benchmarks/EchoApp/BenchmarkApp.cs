using System.Buffers;
using System.Net;
using Dapr;
using Dapr.Workflow;
using DaprPlatform.Benchmarks.Measurement;
using DaprPlatform.Benchmarks.Workflows;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace DaprPlatform.Benchmarks.EchoApp;

/// <summary>
/// The target app of the scenarios, run as a process of its own (<c>DaprPlatform.Benchmarks app --port N</c>) so
/// the sidecar figures are not flattered by sharing a process with the load generator: an echo endpoint for service
/// invocation, a subscriber endpoint that records end-to-end pub/sub latency and, given <c>--dapr-grpc-port</c>, a
/// workflow worker for the workflow scenario.
/// </summary>
public static class BenchmarkApp
{
    public const string Mode = "app";
    public const string EchoPath = "/echo";
    public const string EventsPath = "/events";
    public const string StatsPath = "/stats/events";
    public const string HealthPath = "/healthz";

    public static async Task<int> RunAsync(int port, IReadOnlyList<string> options)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Services.AddSingleton<DeliveryRecorder>();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, BenchmarkJsonContext.Default));
        if (OptionValue(options, "--dapr-grpc-port") is { } grpcPort)
        {
            // The workflow worker: runs the benchmark's workflows for the sidecar listening there. Dapr.Workflow takes
            // the sidecar's address from configuration (DAPR_GRPC_ENDPOINT), as an app started by the Dapr CLI would.
            builder.Configuration[DaprDefaults.DaprGrpcEndpointEnvironmentVariableName] = $"http://127.0.0.1:{grpcPort}";
            builder.Services.AddDaprWorkflow(workflows =>
            {
                workflows.RegisterWorkflow<SequenceWorkflow>();
                workflows.RegisterWorkflow<FanOutWorkflow>();
                workflows.RegisterActivity<IncrementActivity>();
            });
        }

        var app = builder.Build();
        app.MapGet(HealthPath, () => TypedResults.Ok());
        app.MapPost(EchoPath, EchoAsync);
        // Subscriptions are declarative; answering here keeps the sidecar's startup query quick.
        app.MapGet("/dapr/subscribe", () => TypedResults.Text("[]", "application/json"));
        app.MapPost(EventsPath, ReceiveAsync);
        app.MapGet(StatsPath, (DeliveryRecorder recorder) => TypedResults.Ok(recorder.Snapshot()));
        app.MapDelete(StatsPath, (DeliveryRecorder recorder) =>
        {
            recorder.Reset();
            return TypedResults.NoContent();
        });
        await app.RunAsync();
        return 0;
    }

    private static string? OptionValue(IReadOnlyList<string> options, string name)
    {
        var index = options.ToList().IndexOf(name);
        return index >= 0 && index + 1 < options.Count ? options[index + 1] : null;
    }

    private static async Task EchoAsync(HttpContext context)
    {
        var request = context.Request;
        context.Response.ContentType = request.ContentType;
        context.Response.ContentLength = request.ContentLength;
        await request.Body.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private static async Task<IResult> ReceiveAsync(HttpRequest request, DeliveryRecorder recorder, CancellationToken ct)
    {
        var body = await request.BodyReader.ReadAtLeastAsync(int.MaxValue, ct);
        var recorded = recorder.Record(body.Buffer.IsSingleSegment ? body.Buffer.FirstSpan : body.Buffer.ToArray());
        request.BodyReader.AdvanceTo(body.Buffer.End);
        return recorded ? TypedResults.Ok() : TypedResults.BadRequest();
    }
}
