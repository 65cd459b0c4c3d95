using DaprPlatform.ServiceDefaults;
using DaprPlatform.WebConsole.Components;
using DaprPlatform.WebConsole.Gateway;
using DaprPlatform.WebConsole.Session;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
// The platform runs services from their build output (services/run.sh), not a publish: the framework's scripts
// (blazor.web.js) are found through the build's static web assets manifest, which only Development reads by default.
// A published app has no such manifest and serves them from wwwroot.
builder.WebHost.UseStaticWebAssets();
// A component's exception never reaches the page: the browser gets the customised error UI, the log gets the details.
builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents(options => options.DetailedErrors = false);
builder.AddGatewayClient();
builder.Services.AddConsoleSession();

var app = builder.Build();
// Users call the console directly, not through a sidecar: no app token on its pages.
app.MapDefaultEndpoints(publicEntry: true);
app.UseAntiforgery();
app.MapStaticAssets();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();
await app.RunAsync();

public partial class Program;
