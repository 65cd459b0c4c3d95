using DaprPlatform.Dapr.AspNetCore;
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
builder.Services.AddDapr();

var app = builder.Build();
app.UseCloudEvents();
app.MapSubscribeHandler();
app.MapInventory(settings);
app.Run();
