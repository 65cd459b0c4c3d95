using DaprPlatform.Identity.Apis;
using DaprPlatform.Identity.Extensions;
using DaprPlatform.Identity.Infrastructure;
using DaprPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddApplicationServices();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapAccountApi();
app.MapTokensApi();
app.MapUsersApi();
app.MapJwksApi();

// The schema comes from the migrations (`--migrate-only` stops after them); the roles and the admin account are the
// app's to seed, and must exist before the first request.
if (!await app.MigrateDatabaseAsync<IdentityContext>())
{
    return;
}

await using (var scope = app.Services.CreateAsyncScope())
{
    await scope.ServiceProvider.GetRequiredService<IdentitySeed>().SeedAsync();
}

await app.RunAsync();

public partial class Program;
