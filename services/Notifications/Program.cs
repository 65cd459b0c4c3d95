using DaprPlatform.Notifications.Apis;
using DaprPlatform.Notifications.DeadLetters;
using DaprPlatform.Notifications.Events;
using DaprPlatform.Notifications.Infrastructure;
using DaprPlatform.Notifications.Sending;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDefaultAuthentication();
builder.Services.AddDbContext<NotificationsContext>(options => options.UseNpgsql(builder.Configuration.GetConnectionString("notificationsdb")));
builder.Services.AddSingleton<INotificationSender, SimulatedEmailSender>();
builder.Services.AddSingleton<INotificationSender, SimulatedSmsSender>();
builder.Services.AddSingleton<INotificationSender, SimulatedPushSender>();
builder.Services.AddScoped<NotificationDispatcher>();
builder.Services.AddScoped<NotificationEventHandler>();
builder.Services.AddSingleton<EventPayloadReader>();
builder.Services.AddScoped<DeadLetterRecorder>();
builder.Services.AddScoped<DeadLetterRedriver>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.UseCloudEvents();
app.MapSubscribeHandler();
app.MapNotificationsApi();
app.MapIntegrationEvents();

await using (var scope = app.Services.CreateAsyncScope())
{
    await scope.ServiceProvider.GetRequiredService<NotificationsContext>().Database.MigrateAsync();
}

await app.RunAsync();

public partial class Program;
