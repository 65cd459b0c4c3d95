using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace DaprPlatform.Dapr.AspNetCore;

public static class DaprAppTokenApplicationBuilderExtensions
{
    /// <summary>
    /// Requires daprd's app token (<c>APP_API_TOKEN</c>, sent as <c>dapr-api-token</c>) on every request except
    /// <see cref="DaprAppTokenOptions.ExcludedPaths"/>; others get 401 problem details. Without a configured token this is a no-op,
    /// matching daprd, which only sends the header when <c>APP_API_TOKEN</c> is set.
    /// </summary>
    public static IApplicationBuilder UseDaprAppToken(this IApplicationBuilder app, Action<DaprAppTokenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(app);

        var options = new DaprAppTokenOptions();
        configure?.Invoke(options);
        var token = options.Token;
        if (string.IsNullOrEmpty(token))
        {
            token = app.ApplicationServices.GetService<IConfiguration>()?[DaprAppTokenOptions.AppApiTokenVariable];
        }

        if (string.IsNullOrEmpty(token))
        {
            token = Environment.GetEnvironmentVariable(DaprAppTokenOptions.AppApiTokenVariable);
        }

        return string.IsNullOrEmpty(token)
            ? app
            : app.UseMiddleware<DaprAppTokenMiddleware>(token, options.ExcludedPaths.ToArray());
    }
}
