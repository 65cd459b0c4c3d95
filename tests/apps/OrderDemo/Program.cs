using DaprPlatform.Dapr.AspNetCore;
using DaprPlatform.OrderDemo;

// A minimal app for `./dapr-dev run` / `run -f` demos and the CLI's end-to-end tests (see README.md).
var builder = WebApplication.CreateSlimBuilder(args);
if (Environment.GetEnvironmentVariable("APP_PORT") is { Length: > 0 } appPort)
{
    builder.WebHost.UseUrls($"http://127.0.0.1:{appPort}");
}

// Request-level framework logs would drown the demo's output on the CLI's console.
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, OrderDemoJsonContext.Default));
builder.Services.AddDapr();
builder.Services.AddProblemDetails();

var app = builder.Build();
app.UseDaprAppToken();
app.MapSubscribeHandler();
app.MapOrderDemo(DemoSettings.FromEnvironment());
app.Run();
