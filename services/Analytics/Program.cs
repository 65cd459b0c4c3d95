using DaprPlatform.Analytics.Apis;
using DaprPlatform.Analytics.Events;
using DaprPlatform.Analytics.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDefaultAuthentication();
builder.Services.AddDbContext<AnalyticsContext>(options => options.UseNpgsql(builder.Configuration.GetConnectionString("analyticsdb")));
builder.Services.AddScoped<OrderEventProjector>();

var app = builder.Build();
app.MapDefaultEndpoints();
// Subscriptions are declared in components/subscriptions.yaml; the sidecar delivers CloudEvents to their routes.
app.UseCloudEvents();
app.MapAnalyticsApi();
app.MapOrderEvents();

if (!await app.MigrateDatabaseAsync<AnalyticsContext>())
{
    return;
}

await app.RunAsync();

public partial class Program;
