using DaprPlatform.Payments.Apis;
using DaprPlatform.Payments.Ledger;
using DaprPlatform.Payments.Provider;
using DaprPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.Services.AddSingleton<SimulatedPaymentProvider>();
builder.Services.AddSingleton<IPaymentProvider>(sp => sp.GetRequiredService<SimulatedPaymentProvider>());
builder.Services.AddSingleton<PaymentLedger>();
builder.Services.AddSingleton<ChargeService>();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapPaymentsApi();
await app.RunAsync();

public partial class Program;
