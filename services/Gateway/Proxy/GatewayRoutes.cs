using DaprPlatform.Gateway.Authorization;
using DaprPlatform.Gateway.RateLimiting;
using DaprPlatform.ServiceDefaults;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Transforms;

namespace DaprPlatform.Gateway.Proxy;

/// <summary>
/// The public API: which paths reach which app (by Dapr app id) under which policy. A path not listed here is not
/// public (a 404 from the gateway), such as catalog's /reservations or identity's internal routes.
/// </summary>
public static class GatewayRoutes
{
    public const string SidecarCluster = "dapr-sidecar";

    /// <summary>Route metadata key holding the Dapr app id a route invokes.</summary>
    public const string AppIdMetadata = "dapr-app-id";

    private const string Anonymous = "anonymous";

    /// <remarks>
    /// The gateway answers two public paths itself, outside this table: <c>GET /api/orders/{id}/details</c> (customer)
    /// and <c>GET /api/health</c> (admin), see Apis/.
    /// </remarks>
    public static IReadOnlyList<RouteConfig> All { get; } =
    [
        // identity: /api/identity/{rest} → /{rest}
        Route("identity-register", "/api/identity/register", "identity", "/api/identity", Anonymous, rateLimiter: RateLimitingExtensions.CredentialsPolicy),
        Route("identity-login", "/api/identity/login", "identity", "/api/identity", Anonymous, rateLimiter: RateLimitingExtensions.CredentialsPolicy),
        Route("identity-refresh", "/api/identity/refresh", "identity", "/api/identity", Anonymous),
        Route("identity-jwks", "/api/identity/.well-known/jwks.json", "identity", "/api/identity", Anonymous, methods: ["GET", "HEAD"]),
        Route("identity-logout", "/api/identity/logout", "identity", "/api/identity", AuthorizationPolicies.Customer),
        Route("identity-me", "/api/identity/me/{**rest}", "identity", "/api/identity", AuthorizationPolicies.Customer),
        Route("identity-users", "/api/identity/users/{**rest}", "identity", "/api/identity", AuthorizationPolicies.Admin),

        // catalog: /api/catalog/products{**} → /products{**}; reading is public, anything else is an admin's.
        Route("catalog-products-read", "/api/catalog/products/{**rest}", "catalog", "/api/catalog", Anonymous, methods: ["GET", "HEAD"], order: 0),
        Route("catalog-products-write", "/api/catalog/products/{**rest}", "catalog", "/api/catalog", AuthorizationPolicies.Admin, order: 1),

        // ordering: /api/orders{**} → /orders{**}; approval decisions and every customer's orders are an admin's.
        Route("orders-all", "/api/orders/all", "ordering", "/api", AuthorizationPolicies.Admin, methods: ["GET", "HEAD"]),
        Route("orders-approve", "/api/orders/{id}/approve", "ordering", "/api", AuthorizationPolicies.Admin),
        Route("orders-reject", "/api/orders/{id}/reject", "ordering", "/api", AuthorizationPolicies.Admin),
        Route("orders", "/api/orders/{**rest}", "ordering", "/api", AuthorizationPolicies.Customer),

        // analytics: /api/analytics/{rest} → /{rest}
        Route("analytics-customers", "/api/analytics/customers", "analytics", "/api/analytics", AuthorizationPolicies.Admin),
        Route("analytics-customer", "/api/analytics/customers/{id}/{**rest}", "analytics", "/api/analytics", GatewayPolicies.OwnCustomer),
        Route("analytics-products", "/api/analytics/products/{**rest}", "analytics", "/api/analytics", AuthorizationPolicies.Admin),
        Route("analytics-orders", "/api/analytics/orders/{**rest}", "analytics", "/api/analytics", AuthorizationPolicies.Admin),

        // notifications: /api/notifications{**} → /notifications{**}; the service shows each user their own.
        Route("notifications-dead-letters", "/api/notifications/dead-letters/{**rest}", "notifications", "/api", AuthorizationPolicies.Admin),
        Route("notifications", "/api/notifications/{**rest}", "notifications", "/api", AuthorizationPolicies.Customer),
    ];

    private static RouteConfig Route(
        string id, string path, string appId, string removePrefix, string policy,
        string? rateLimiter = null, IReadOnlyList<string>? methods = null, int? order = null) =>
        new RouteConfig
        {
            RouteId = id,
            ClusterId = SidecarCluster,
            Match = new RouteMatch { Path = path, Methods = methods },
            Order = order,
            AuthorizationPolicy = policy,
            RateLimiterPolicy = rateLimiter,
            Metadata = new Dictionary<string, string> { [AppIdMetadata] = appId },
        }.WithTransformPathRemovePrefix(removePrefix);
}
