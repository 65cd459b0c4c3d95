using System.Security.Claims;
using Dapr.Workflow;
using DaprPlatform.Ordering.Model;
using DaprPlatform.Ordering.Placement;
using DaprPlatform.Ordering.Saga;
using DaprPlatform.Ordering.Telemetry;
using DaprPlatform.ServiceDefaults;
using DaprPlatform.Workflows.OrderSaga;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace DaprPlatform.Ordering.Apis;

/// <summary>
/// Orders for their customers (and admins): place (202, the saga runs on), read with the saga's steps, list, cancel;
/// approve and reject for admins, and every customer's orders for them. An order of another customer is 404 to a
/// customer: its existence is not theirs to know.
/// </summary>
public static partial class OrdersApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";
    public const int MaxItems = 50;
    public const int MaxQuantity = 1000;
    public const int MaxPageSize = 100;

    public const string AwaitingApproval = "AwaitingApproval";

    // Waiting for approval is the saga's state, not a column: listing by it reads the saga of every pending order.
    // Pending orders are the ones in flight or waiting, so few; the scan stops here all the same.
    public const int PendingScanLimit = 1000;

    private const string NotStarted = "NotStarted";
    private const int ConcurrentSagaReads = 8;

    private static readonly string[] Statuses =
        [nameof(OrderStatus.Pending), AwaitingApproval, nameof(OrderStatus.Confirmed), nameof(OrderStatus.Cancelled)];

    public static RouteGroupBuilder MapOrdersApi(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/orders").WithTags("Orders").RequireAuthorization(AuthorizationPolicies.Customer);
        orders.MapPost("/", PlaceAsync);
        orders.MapGet("/", ListAsync);
        // A literal segment outranks {orderId}: "all" is never read as an order id.
        orders.MapGet("/all", ListAllAsync).RequireAuthorization(AuthorizationPolicies.Admin);
        orders.MapGet("/{orderId}", GetAsync);
        orders.MapPost("/{orderId}/cancel", CancelAsync);
        orders.MapPost("/{orderId}/approve", (string orderId, [AsParameters] OrderingServices services, ClaimsPrincipal user, CancellationToken ct) =>
            DecideAsync(orderId, new ApprovalDecision(true, Name(user), null), services, ct)).RequireAuthorization(AuthorizationPolicies.Admin);
        orders.MapPost("/{orderId}/reject", (string orderId, ApprovalRequest? request, [AsParameters] OrderingServices services, ClaimsPrincipal user, CancellationToken ct) =>
            DecideAsync(orderId, new ApprovalDecision(false, Name(user), request?.Reason), services, ct)).RequireAuthorization(AuthorizationPolicies.Admin);
        return orders;
    }

    public static async Task<Results<Accepted<OrderAccepted>, ValidationProblem, ProblemHttpResult>> PlaceAsync(
        PlaceOrderRequest request,
        [FromHeader(Name = IdempotencyKeyHeader)] string? idempotencyKey,
        [AsParameters] OrderingServices services,
        ClaimsPrincipal user,
        CancellationToken ct)
    {
        if (Validate(request, idempotencyKey) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        // Without a key every request is an order of its own.
        var key = string.IsNullOrEmpty(idempotencyKey) ? Guid.NewGuid().ToString() : idempotencyKey;
        var result = await services.Placement.PlaceAsync(CustomerId(user), key, request, ct);
        return result.Outcome switch
        {
            PlacementOutcome.Accepted or PlacementOutcome.Replayed => TypedResults.Accepted(
                $"/orders/{result.Order!.Id}", new OrderAccepted(result.Order.Id, result.Order.Status.ToString())),
            PlacementOutcome.KeyReused => TypedResults.Problem(
                title: "The Idempotency-Key was used for a different order",
                statusCode: StatusCodes.Status422UnprocessableEntity,
                detail: $"order {result.Order!.Id} was placed with this key"),
            _ => TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["items"] = [$"unknown products: {string.Join(", ", result.UnknownProducts!)}"],
            }),
        };
    }

    public static async Task<Results<Ok<OrderPage>, ValidationProblem>> ListAsync(
        [AsParameters] OrderingServices services, ClaimsPrincipal user, CancellationToken ct, [FromQuery] int page = 1, [FromQuery] int pageSize = 20)
    {
        if (page < 1 || pageSize is < 1 or > MaxPageSize)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["page"] = ["page is 1 or more"],
                ["pageSize"] = [$"pageSize is between 1 and {MaxPageSize}"],
            });
        }

        var customerId = CustomerId(user);
        var query = services.Db.Orders.AsNoTracking().Where(o => o.CustomerId == customerId);
        var total = await query.LongCountAsync(ct);
        var items = await query.OrderByDescending(o => o.CreatedAt).ThenBy(o => o.Id)
            .Skip((page - 1) * pageSize).Take(pageSize)
            .Select(o => new OrderSummary(o.Id, o.Status.ToString(), o.Total, o.Items.Count, o.CreatedAt))
            .ToListAsync(ct);
        return TypedResults.Ok(new OrderPage(page, pageSize, total, items));
    }

    /// <summary>
    /// Every customer's orders, newest first, for admins; <paramref name="status"/> filters by the status an order's
    /// view shows (AwaitingApproval included).
    /// </summary>
    public static async Task<Results<Ok<AdminOrderPage>, ValidationProblem>> ListAllAsync(
        [AsParameters] OrderingServices services,
        CancellationToken ct,
        [FromQuery] string? status = null,
        [FromQuery] int page = 1,
        [FromQuery] int pageSize = 20)
    {
        var errors = new Dictionary<string, string[]>();
        if (page < 1)
        {
            errors["page"] = ["page is 1 or more"];
        }

        if (pageSize is < 1 or > MaxPageSize)
        {
            errors["pageSize"] = [$"pageSize is between 1 and {MaxPageSize}"];
        }

        var wanted = string.IsNullOrEmpty(status) ? null : Array.Find(Statuses, s => string.Equals(s, status, StringComparison.OrdinalIgnoreCase));
        if (!string.IsNullOrEmpty(status) && wanted is null)
        {
            errors["status"] = [$"status is one of {string.Join(", ", Statuses)}"];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var orders = services.Db.Orders.AsNoTracking();
        if (wanted is nameof(OrderStatus.Pending) or AwaitingApproval)
        {
            // Pending splits into waiting for approval and the rest only by each saga's steps.
            var pending = await WithSagaStatusAsync(
                await Summaries(orders.Where(o => o.Status == OrderStatus.Pending)).Take(PendingScanLimit).ToListAsync(ct), services, ct);
            var matching = pending.Where(o => o.Status == wanted).ToList();
            return TypedResults.Ok(new AdminOrderPage(page, pageSize, matching.Count, [.. matching.Skip((page - 1) * pageSize).Take(pageSize)]));
        }

        if (wanted is not null)
        {
            var final = Enum.Parse<OrderStatus>(wanted);
            orders = orders.Where(o => o.Status == final);
        }

        var total = await orders.LongCountAsync(ct);
        var items = await Summaries(orders).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
        return TypedResults.Ok(new AdminOrderPage(page, pageSize, total, await WithSagaStatusAsync(items, services, ct)));
    }

    public static async Task<Results<Ok<OrderView>, ProblemHttpResult>> GetAsync(
        string orderId, [AsParameters] OrderingServices services, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await FindVisibleAsync(orderId, services, user, ct) is not { } order)
        {
            return NotFound(orderId);
        }

        var saga = await ReadSagaAsync(order.Id, services, ct);
        var attempts = await SagaAttempts.CountAsync(services.Db, order.Id, ct);
        return TypedResults.Ok(View(order, saga, attempts, services.Options.Value));
    }

    /// <summary>
    /// A customer can withdraw an order while it waits for approval (the saga then compensates as for a rejection);
    /// once payment is under way the saga decides. Cancelling a cancelled order is answered as done.
    /// </summary>
    public static async Task<Results<Accepted<OrderAccepted>, ProblemHttpResult>> CancelAsync(
        string orderId, [AsParameters] OrderingServices services, ClaimsPrincipal user, CancellationToken ct)
    {
        if (await FindVisibleAsync(orderId, services, user, ct) is not { } order)
        {
            return NotFound(orderId);
        }

        switch (order.Status)
        {
            case OrderStatus.Cancelled:
                return TypedResults.Accepted($"/orders/{orderId}", new OrderAccepted(orderId, order.Status.ToString()));
            case OrderStatus.Confirmed:
                return TypedResults.Problem(title: "A confirmed order cannot be cancelled", statusCode: StatusCodes.Status409Conflict, detail: orderId);
        }

        var decision = new ApprovalDecision(false, Name(user), CancellationReasons.WithdrawnByCustomer);
        return await RaiseApprovalAsync(order, decision, services, ct) is { } accepted
            ? accepted
            : TypedResults.Problem(
                title: "The order is being processed and can no longer be cancelled",
                statusCode: StatusCodes.Status409Conflict,
                detail: "only an order waiting for approval can be cancelled");
    }

    private static async Task<Results<Accepted<OrderAccepted>, ProblemHttpResult>> DecideAsync(
        string orderId, ApprovalDecision decision, OrderingServices services, CancellationToken ct)
    {
        if (await services.Db.Orders.AsNoTracking().Include(o => o.Items).SingleOrDefaultAsync(o => o.Id == orderId, ct) is not { } order)
        {
            return NotFound(orderId);
        }

        return await RaiseApprovalAsync(order, decision, services, ct) is { } accepted
            ? accepted
            : TypedResults.Problem(title: "The order is not waiting for approval", statusCode: StatusCodes.Status409Conflict, detail: order.Status.ToString());
    }

    /// <summary>Sends the decision to a saga that is waiting for one; null when it is not waiting.</summary>
    private static async Task<Accepted<OrderAccepted>?> RaiseApprovalAsync(Order order, ApprovalDecision decision, OrderingServices services, CancellationToken ct)
    {
        if (order.Status != OrderStatus.Pending || Status(order.Status, (await ReadSagaAsync(order.Id, services, ct))?.Progress) != AwaitingApproval)
        {
            return null;
        }

        await services.Workflows.RaiseEventAsync(order.Id, OrderSagaWorkflow.ApprovalEvent, decision, ct);
        return TypedResults.Accepted($"/orders/{order.Id}", new OrderAccepted(order.Id, AwaitingApproval));
    }

    private static async Task<Order?> FindVisibleAsync(string orderId, OrderingServices services, ClaimsPrincipal user, CancellationToken ct)
    {
        var order = await services.Db.Orders.AsNoTracking().Include(o => o.Items).SingleOrDefaultAsync(o => o.Id == orderId, ct);
        return order is not null && (order.CustomerId == CustomerId(user) || user.IsInRole(PlatformRoles.Admin)) ? order : null;
    }

    /// <summary>The saga's steps so far and its runtime status; null when the workflow cannot be read now (the order itself still answers).</summary>
    private static async Task<SagaSnapshot?> ReadSagaAsync(string orderId, OrderingServices services, CancellationToken ct)
    {
        try
        {
            var state = await services.Workflows.GetWorkflowStateAsync(orderId, getInputsAndOutputs: true, ct);
            return state.Exists
                ? new SagaSnapshot(state.ReadCustomStatusAs<SagaProgress>() ?? SagaProgress.Empty, state.RuntimeStatus.ToString(), state.ReadInputAs<OrderSagaInput>()?.ApprovalTimeout)
                : new SagaSnapshot(SagaProgress.Empty, NotStarted, null);
        }
        catch (Exception e) when (!ct.IsCancellationRequested)
        {
            LogProgressUnavailable(services.Logger, e, orderId);
            return null;
        }
    }

    /// <summary>The status each order's view would show: a pending order's saga tells whether it waits for approval.</summary>
    private static async Task<List<AdminOrderSummary>> WithSagaStatusAsync(List<AdminOrderSummary> orders, OrderingServices services, CancellationToken ct)
    {
        var resolved = orders.ToArray();
        var pending = Enumerable.Range(0, resolved.Length).Where(i => resolved[i].Status == nameof(OrderStatus.Pending));
        await Parallel.ForEachAsync(pending, new ParallelOptions { MaxDegreeOfParallelism = ConcurrentSagaReads, CancellationToken = ct }, async (i, token) =>
            resolved[i] = resolved[i] with { Status = Status(OrderStatus.Pending, (await ReadSagaAsync(resolved[i].OrderId, services, token))?.Progress) });
        return [.. resolved];
    }

    private static IQueryable<AdminOrderSummary> Summaries(IQueryable<Order> orders) =>
        orders.OrderByDescending(o => o.CreatedAt).ThenBy(o => o.Id)
            .Select(o => new AdminOrderSummary(o.Id, o.Status.ToString(), o.Total, o.Items.Count, o.CreatedAt, o.CustomerId));

    private static string Status(OrderStatus status, SagaProgress? progress) =>
        status == OrderStatus.Pending && progress?.Steps is [.., { Name: OrderSagaSteps.Approval, Status: SagaStepStatus.Waiting }]
            ? AwaitingApproval
            : status.ToString();

    private static OrderView View(Order order, SagaSnapshot? saga, IReadOnlyDictionary<string, int> attempts, OrderSagaOptions options)
    {
        var status = Status(order.Status, saga?.Progress);
        // The saga waits from the step's start for the timeout it was started with; the setting may have changed since.
        var deadline = status == AwaitingApproval && saga!.Progress.Steps[^1] is { } wait
            ? new DateTimeOffset(DateTime.SpecifyKind(wait.StartedAt, DateTimeKind.Utc)) + (saga.ApprovalTimeout ?? options.ApprovalTimeout)
            : (DateTimeOffset?)null;
        return new OrderView(
            order.Id,
            order.CustomerId,
            status,
            [.. order.Items.OrderBy(i => i.Id).Select(i => new OrderItemView(i.ProductId, i.ProductName, i.Quantity, i.UnitPrice))],
            order.Total,
            order.PaymentMethod,
            order.PaymentId,
            order.CancellationReason,
            order.CreatedAt,
            order.UpdatedAt,
            saga?.Progress.Steps.Select(step => StepView(step, attempts)).ToList(),
            saga?.Status,
            deadline);
    }

    /// <summary>A step with how often its activity ran; at least once, since a step is shown from when it is scheduled.</summary>
    private static OrderStepView StepView(SagaStep step, IReadOnlyDictionary<string, int> attempts) => new(
        step.Name,
        step.Status,
        step.StartedAt,
        step.EndedAt,
        step.Detail,
        Math.Max(1, OrderSagaSteps.ActivityOf(step.Name) is { } activity ? attempts.GetValueOrDefault(activity) : 1),
        OrderSagaSteps.IsCompensation(step.Name));

    private static Dictionary<string, string[]> Validate(PlaceOrderRequest request, string? idempotencyKey)
    {
        var errors = new Dictionary<string, string[]>();
        if (idempotencyKey is { Length: > 200 } || (idempotencyKey is not null && string.IsNullOrWhiteSpace(idempotencyKey)))
        {
            errors[IdempotencyKeyHeader] = ["an Idempotency-Key is 1 to 200 characters"];
        }

        if (request.Items is not { Count: > 0 and <= MaxItems } items)
        {
            errors["items"] = [$"between 1 and {MaxItems} items are required"];
        }
        else if (items.Any(item => item is null || item.ProductId < 1 || item.Quantity is < 1 or > MaxQuantity))
        {
            errors["items"] = [$"every item needs a productId and a quantity between 1 and {MaxQuantity}"];
        }
        else if (items.Select(item => item.ProductId).Distinct().Count() != items.Count)
        {
            errors["items"] = ["each product appears once"];
        }

        if (string.IsNullOrWhiteSpace(request.PaymentMethod) || request.PaymentMethod.Length > 100)
        {
            errors["paymentMethod"] = ["a payment method of 1 to 100 characters is required"];
        }

        return errors;
    }

    private static string CustomerId(ClaimsPrincipal user) => user.FindFirstValue("sub")!;

    private static string Name(ClaimsPrincipal user) => user.FindFirstValue("email") ?? user.FindFirstValue("sub")!;

    private static ProblemHttpResult NotFound(string orderId) =>
        TypedResults.Problem(title: "No such order", statusCode: StatusCodes.Status404NotFound, detail: orderId);

    /// <summary>What the workflow says: its steps (custom status) and runtime status (Running, Completed, ...).</summary>
    private sealed record SagaSnapshot(SagaProgress Progress, string Status, TimeSpan? ApprovalTimeout);

    [LoggerMessage(LogLevel.Warning, "The saga of order {OrderId} could not be read")]
    private static partial void LogProgressUnavailable(ILogger logger, Exception exception, string orderId);
}
