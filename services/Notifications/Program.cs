using DaprPlatform.Notifications.Apis;
using DaprPlatform.Notifications.DeadLetters;
using DaprPlatform.Notifications.Events;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.Notifications.Sending;
using DaprPlatform.Notifications.Telemetry;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDefaultAuthentication();
builder.AddServiceMetrics<NotificationsMetrics>();
builder.Services.AddDbContext<NotificationsContext>(options => options.UseNpgsql(builder.Configuration.GetConnectionString("notificationsdb")));
builder.Services.AddSingleton<INotificationSender, SimulatedEmailSender>();
builder.Services.AddSingleton<INotificationSender, SimulatedSmsSender>();
builder.Services.AddSingleton<INotificationSender, SimulatedPushSender>();
builder.Services.AddScoped<NotificationDispatcher>();
builder.Services.AddScoped<NotificationEventHandler>();
builder.Services.AddSingleton<EventPayloadReader>();
builder.Services.AddScoped<DeadLetterRecorder>();
builder.Services.AddScoped<DeadLetterRedriver>();
builder.Services.AddSingleton<PendingDeadLetters>();
builder.Services.AddHostedService(services => services.GetRequiredService<PendingDeadLetters>());

var app = builder.Build();
app.MapDefaultEndpoints();
// Subscriptions are declared in components/subscriptions.yaml; the sidecar delivers CloudEvents to their routes.
app.UseCloudEvents();
app.MapNotificationsApi();
app.MapIntegrationEvents();

if (!await app.MigrateDatabaseAsync<NotificationsContext>())
{
    return;
}

await app.RunAsync();

public partial class Program;
