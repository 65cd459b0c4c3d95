using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace DaprPlatform.Gateway.RateLimiting;

public static class RateLimitingExtensions
{
    /// <summary>The stricter per-IP policy of the routes that take credentials (register, login).</summary>
    public const string CredentialsPolicy = "credentials";

    /// <summary>
    /// A fixed window per caller for every request: per user (<c>sub</c>) once authenticated, else per client IP. Over
    /// the limit is 429 problem details with <c>Retry-After</c>. Needs to run after authentication.
    /// </summary>
    public static IHostApplicationBuilder AddGatewayRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayRateLimitOptions>().BindConfiguration(GatewayRateLimitOptions.SectionName);
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<IOptions<GatewayRateLimitOptions>>((options, settings) =>
        {
            var limits = settings.Value;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                RateLimitPartition.GetFixedWindowLimiter(CallerKey(context), _ => Window(limits.PermitsPerWindow, limits.WindowSeconds)));
            options.AddPolicy(CredentialsPolicy, context =>
                RateLimitPartition.GetFixedWindowLimiter(ClientAddress(context), _ => Window(limits.CredentialPermitsPerWindow, limits.CredentialWindowSeconds)));
            options.OnRejected = RejectAsync;
        });
        return builder;
    }

    private static FixedWindowRateLimiterOptions Window(int permits, int seconds) => new()
    {
        PermitLimit = Math.Max(1, permits),
        Window = TimeSpan.FromSeconds(Math.Max(1, seconds)),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    // The connection's address is the client's: the gateway is the edge, or Gateway:TrustedProxies names the proxy in
    // front of it and the forwarded-headers middleware has put the client's address there.
    private static string CallerKey(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true && context.User.FindFirst("sub")?.Value is { Length: > 0 } userId
            ? "user:" + userId
            : ClientAddress(context);

    private static string ClientAddress(HttpContext context) => "ip:" + (context.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var http = rejected.HttpContext;
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
        http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = "Retry after the number of seconds in Retry-After." },
        });
    }
}
