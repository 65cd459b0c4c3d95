using Dapr.Client;
using DaprPlatform.OrderDemo;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

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
builder.Services.AddDaprClient();
builder.Services.AddHttpClient(OrderEndpoints.PeerClient).AddHttpMessageHandler(() => new InvocationHandler());
builder.Services.AddProblemDetails();

// With APP_API_TOKEN set, only the sidecar (which sends it as dapr-api-token) may call the app.
var appToken = Environment.GetEnvironmentVariable("APP_API_TOKEN") is { Length: > 0 };
if (appToken)
{
    builder.Services.AddAuthentication().AddDapr();
    builder.Services.AddAuthorization(options => options.AddDapr());
}

var app = builder.Build();
var routes = app.MapGroup("");
if (appToken)
{
    routes.RequireAuthorization("Dapr");
}

routes.MapOrderDemo(DemoSettings.FromEnvironment());
app.Run();
