using DaprPlatform.Catalog.Apis;
using DaprPlatform.Catalog.Infrastructure;
using DaprPlatform.ServiceDefaults;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddDbContext<CatalogContext>(options => options.UseNpgsql(builder.Configuration.GetConnectionString("catalogdb")));
builder.Services.AddScoped<InventoryService>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapProductsApi();
app.MapReservationsApi();

// The schema (and the seed products) come from the migrations, applied before the first request.
await using (var scope = app.Services.CreateAsyncScope())
{
    await scope.ServiceProvider.GetRequiredService<CatalogContext>().Database.MigrateAsync();
}

await app.RunAsync();

public partial class Program;
