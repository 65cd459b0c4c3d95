namespace DaprPlatform.WebConsole.Session;

public static class SessionExtensions
{
    /// <summary>Per circuit: one user's session and cart, never shared between browser tabs' circuits on the server.</summary>
    public static IServiceCollection AddConsoleSession(this IServiceCollection services)
    {
        services.AddScoped<ConsoleSession>();
        services.AddScoped<Cart>();
        return services;
    }
}
