using Dapr;
using Dapr.Client;
using Dapr.Workflow;
using DaprPlatform.Ordering.Apis;
using DaprPlatform.Ordering.Clients;
using DaprPlatform.Ordering.Infrastructure;
using DaprPlatform.Ordering.Placement;
using DaprPlatform.Ordering.Saga;
using DaprPlatform.Ordering.Saga.Activities;
using DaprPlatform.Ordering.Telemetry;
using DaprPlatform.Outbox;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Workflows.OrderSaga;
using Microsoft.EntityFrameworkCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDefaultAuthentication();
builder.AddServiceMetrics<OrderingMetrics>();
builder.Services.AddDbContextFactory<OrderingContext>(options => options.UseNpgsql(builder.Configuration.GetConnectionString("orderingdb")));
builder.Services.AddOutboxDispatcher<OrderingContext>();
builder.Services.AddOptions<OrderSagaOptions>().BindConfiguration("Ordering");

// Catalog and payments through Dapr service invocation: one pooled client each, the app id as the host. The sidecar
// is where the configuration says, as for DaprClient and the workflow client (InvocationHandler alone reads only
// the environment).
var sidecar = DaprDefaults.GetDefaultHttpEndpoint(builder.Configuration);
builder.Services.AddHttpClient<CatalogClient>(http => http.BaseAddress = new Uri($"http://{CatalogClient.AppId}/"))
    .AddHttpMessageHandler(() => new InvocationHandler { DaprEndpoint = sidecar });
builder.Services.AddHttpClient<PaymentsClient>(http => http.BaseAddress = new Uri($"http://{PaymentsClient.AppId}/"))
    .AddHttpMessageHandler(() => new InvocationHandler { DaprEndpoint = sidecar });

builder.Services.AddSingleton<OrderOutcomes>();
builder.Services.AddSingleton<SagaAttempts>();
builder.Services.AddSingleton<SagaStarter>();
builder.Services.AddScoped<OrderPlacement>();
builder.Services.AddHostedService<SagaRecovery>();
builder.Services.AddDaprWorkflow(workflows =>
{
    workflows.RegisterWorkflow<OrderSagaWorkflow>(OrderSagaWorkflow.Name);
    workflows.RegisterActivity<ReserveInventoryActivity>(OrderSagaActivityNames.ReserveInventory);
    workflows.RegisterActivity<ReleaseInventoryActivity>(OrderSagaActivityNames.ReleaseInventory);
    workflows.RegisterActivity<ChargePaymentActivity>(OrderSagaActivityNames.ChargePayment);
    workflows.RegisterActivity<RefundPaymentActivity>(OrderSagaActivityNames.RefundPayment);
    workflows.RegisterActivity<ConfirmOrderActivity>(OrderSagaActivityNames.ConfirmOrder);
    workflows.RegisterActivity<CancelOrderActivity>(OrderSagaActivityNames.CancelOrder);
});

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapOrdersApi();

if (!await app.MigrateDatabaseAsync<OrderingContext>())
{
    return;
}

await app.RunAsync();

public partial class Program;
