using DaprPlatform.Payments.Ledger;
using DaprPlatform.Payments.Provider;
using Microsoft.AspNetCore.Http.HttpResults;

namespace DaprPlatform.Payments.Apis;

/// <summary>
/// Charges and refunds for the order saga. A decline is 402 (a 4xx the saga takes as an answer, not a fault to retry);
/// a provider that does not answer in time is 504 and a charge another request is making is 409, both worth retrying
/// with the same key.
/// </summary>
public static class PaymentsApi
{
    public static RouteGroupBuilder MapPaymentsApi(this IEndpointRouteBuilder app)
    {
        var charges = app.MapGroup("/charges").WithTags("Payments");
        charges.MapPost("/", ChargeAsync);
        charges.MapGet("/{idempotencyKey}", GetAsync);
        charges.MapPost("/{paymentId}/refund", RefundAsync);
        return charges;
    }

    public static async Task<Results<Ok<PaymentRecord>, ValidationProblem, ProblemHttpResult>> ChargeAsync(
        ChargeRequest request, ChargeService charges, CancellationToken ct)
    {
        if (Validate(request) is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var result = await charges.ChargeAsync(request, ct);
        return result switch
        {
            { Outcome: ChargeOutcome.Done, Record.Status: PaymentStatus.Declined } => TypedResults.Problem(
                title: "The card was declined",
                statusCode: StatusCodes.Status402PaymentRequired,
                extensions: new Dictionary<string, object?> { ["declineCode"] = result.Record.DeclineCode, ["paymentId"] = result.Record.PaymentId }),
            { Outcome: ChargeOutcome.Done } => TypedResults.Ok(result.Record!),
            { Outcome: ChargeOutcome.InProgress } => TypedResults.Problem(
                title: "The charge is being made by another request", statusCode: StatusCodes.Status409Conflict),
            _ => TypedResults.Problem(
                title: "The payment provider did not answer in time", statusCode: StatusCodes.Status504GatewayTimeout),
        };
    }

    public static async Task<Results<Ok<PaymentRecord>, ProblemHttpResult>> GetAsync(string idempotencyKey, ChargeService charges, CancellationToken ct) =>
        await charges.GetAsync(idempotencyKey, ct) is { } record
            ? TypedResults.Ok(record)
            : TypedResults.Problem(title: "No such charge", statusCode: StatusCodes.Status404NotFound);

    public static async Task<Results<Ok<PaymentRecord>, ProblemHttpResult>> RefundAsync(string paymentId, ChargeService charges, CancellationToken ct) =>
        await charges.RefundAsync(paymentId, ct) switch
        {
            (RefundOutcome.Refunded, var record) => TypedResults.Ok(record!),
            (RefundOutcome.NotCharged, var record) => TypedResults.Problem(
                title: "Nothing was charged, so nothing is refunded", statusCode: StatusCodes.Status409Conflict, detail: record!.Status.ToString()),
            _ => TypedResults.Problem(title: "No such payment", statusCode: StatusCodes.Status404NotFound),
        };

    private static Dictionary<string, string[]> Validate(ChargeRequest request)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.IdempotencyKey) || request.IdempotencyKey.Length > 200 || request.IdempotencyKey.Contains("||", StringComparison.Ordinal))
        {
            errors["idempotencyKey"] = ["an idempotency key of 1 to 200 characters, without \"||\", is required"];
        }

        if (string.IsNullOrWhiteSpace(request.OrderId))
        {
            errors["orderId"] = ["an order id is required"];
        }

        if (string.IsNullOrWhiteSpace(request.CustomerId))
        {
            errors["customerId"] = ["a customer id is required"];
        }

        if (request.Amount <= 0 || decimal.Round(request.Amount, 2) != request.Amount)
        {
            errors["amount"] = ["a positive amount with at most two decimals is required"];
        }

        if (!SimulatedPaymentProvider.IsKnown(request.PaymentMethod ?? ""))
        {
            errors["paymentMethod"] = [$"one of {SimulatedPaymentProvider.Visa}, {SimulatedPaymentProvider.Declined}, {SimulatedPaymentProvider.Slow}"];
        }

        return errors;
    }
}
