using DaprPlatform.Gateway.Services;
using DaprPlatform.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprPlatform.Gateway.Apis;

/// <summary>
/// The one endpoint the gateway answers itself: an order with its products and payment status in one call, gathered
/// from ordering, catalog and payments. Ordering decides whether the caller may see the order (its 403/404 are passed
/// on); a service that cannot be reached is 503, one that does not answer in time 504.
/// </summary>
public static class OrderDetailsApi
{
    public static RouteGroupBuilder MapOrderDetailsApi(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/orders").WithTags("Orders").RequireAuthorization(AuthorizationPolicies.Customer);
        orders.MapGet("/{id}/details", GetOrderDetailsAsync);
        return orders;
    }

    public static async Task<Results<Ok<OrderDetails>, ProblemHttpResult>> GetOrderDetailsAsync(string id, [AsParameters] OrderDetailsServices services)
    {
        try
        {
            return await services.Details.GetAsync(id, services.Context.Request, services.Context.RequestAborted) switch
            {
                OrderDetailsResult.Found found => TypedResults.Ok(found.Details),
                OrderDetailsResult.Refused refused => TypedResults.Problem(refused.Problem),
                OrderDetailsResult.Unavailable unavailable => Unavailable(unavailable.AppId),
                var other => throw new InvalidOperationException($"unexpected result {other}"),
            };
        }
        catch (HttpRequestException)
        {
            // The gateway's own sidecar did not answer.
            return Unavailable("dapr sidecar");
        }
        catch (TaskCanceledException) when (!services.Context.RequestAborted.IsCancellationRequested)
        {
            return TypedResults.Problem(title: "The order's services did not answer in time", statusCode: StatusCodes.Status504GatewayTimeout);
        }
    }

    private static ProblemHttpResult Unavailable(string appId) =>
        TypedResults.Problem(title: $"The {appId} service is unavailable", statusCode: StatusCodes.Status503ServiceUnavailable);
}

public sealed record OrderDetailsServices(HttpContext Context, OrderDetailsService Details);
