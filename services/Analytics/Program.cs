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
app.UseCloudEvents();
app.MapSubscribeHandler();
app.MapAnalyticsApi();
app.MapOrderEvents();

await using (var scope = app.Services.CreateAsyncScope())
{
    await scope.ServiceProvider.GetRequiredService<AnalyticsContext>().Database.MigrateAsync();
}

await app.RunAsync();

public partial class Program;
