using Dapr;
using Dapr.Client;
using DaprPlatform.InteropInventory;

// The C# app of the three-app interop test (tests/conformance/test/interop.test.js), started with ./dapr-dev run.
var settings = InteropSettings.FromEnvironment();
var builder = WebApplication.CreateSlimBuilder(args);
if (Environment.GetEnvironmentVariable("APP_PORT") is { Length: > 0 } appPort)
{
    builder.WebHost.UseUrls($"http://127.0.0.1:{appPort}");
}

builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, InteropJsonContext.Default));
builder.Services.AddDaprClient();
builder.Services.AddHttpClient(InventoryEndpoints.InvokeClient).AddHttpMessageHandler(() => new InvocationHandler());

var app = builder.Build();
// The CloudEvent attributes reach the handler as Cloudevent.* headers; the body is the event data.
app.UseCloudEvents(new CloudEventsMiddlewareOptions { ForwardCloudEventPropertiesAsHeaders = true });
app.MapSubscribeHandler();
app.MapInventory(settings);
app.Run();
