using DaprPlatform.Gateway.Apis;
using DaprPlatform.Gateway.Authorization;
using DaprPlatform.Gateway.Infrastructure;
using DaprPlatform.Gateway.Proxy;
using DaprPlatform.Gateway.RateLimiting;
using DaprPlatform.Gateway.Services;
using DaprPlatform.ServiceDefaults;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddTrustedProxies();
builder.AddDefaultAuthentication();
builder.Services.AddAuthorizationBuilder().AddGatewayPolicies();
builder.AddGatewayRateLimiting();
builder.AddGatewayProxy();
builder.AddOrderDetails();
builder.AddPlatformHealth();

var app = builder.Build();
// First: everything after it, the rate limits and the request log included, sees the client's address.
app.UseTrustedProxies();
app.UseMiddleware<RequestIdMiddleware>();
app.MapDefaultEndpoints(publicEntry: true);
// Limits count per user, so they come after authentication and before authorization turns anyone away.
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
app.MapOrderDetailsApi();
app.MapHealthApi();
app.MapGatewayProxy();
await app.RunAsync();

public partial class Program;
