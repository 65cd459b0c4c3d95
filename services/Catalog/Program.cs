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

// The schema, and the seed products with it (HasData in the migrations), before the first request; `--migrate-only`
// stops here.
if (!await app.MigrateDatabaseAsync<CatalogContext>())
{
    return;
}

await app.RunAsync();

public partial class Program;
