using DaprPlatform.Identity.Apis;
using DaprPlatform.Identity.Extensions;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapAccountApi();
app.MapTokensApi();
app.MapUsersApi();
app.MapJwksApi();

// The schema comes from the migrations; the roles and the admin account must exist before the first request.
await using (var scope = app.Services.CreateAsyncScope())
{
    await scope.ServiceProvider.GetRequiredService<IdentityContext>().Database.MigrateAsync();
    await scope.ServiceProvider.GetRequiredService<IdentitySeed>().SeedAsync();
}

await app.RunAsync();

public partial class Program;
