using DaprPlatform.Payments.Provider;

namespace DaprPlatform.Payments.Ledger;

public sealed record ChargeRequest(string IdempotencyKey, string OrderId, string CustomerId, decimal Amount, string PaymentMethod);

public enum ChargeOutcome
{
    Done,
    InProgress,
    ProviderTimedOut,
}

public sealed record ChargeResult(ChargeOutcome Outcome, PaymentRecord? Record);

public enum RefundOutcome
{
    Refunded,
    NotFound,
    NotCharged,
}

/// <summary>
/// Charges and refunds, each at most once per idempotency key: the ledger record is claimed before the provider is
/// asked (first write wins), the provider gets the same key (it charges a key once), and the outcome is stored
/// against the claim's etag. A provider that does not answer in time leaves the claim pending, so the caller's retry
/// asks again with the same key instead of charging twice.
/// </summary>
public sealed partial class ChargeService(PaymentLedger ledger, IPaymentProvider provider, TimeProvider time, IConfiguration configuration, ILogger<ChargeService> logger)
{
    private readonly TimeSpan _providerTimeout = configuration.GetValue("Payments:ProviderTimeout", TimeSpan.FromSeconds(5));

    public async Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken ct)
    {
        var (record, etag) = await ledger.GetAsync(request.IdempotencyKey, ct);
        if (record is null)
        {
            var claim = new PaymentRecord(
                $"pay_{Guid.NewGuid():N}", request.IdempotencyKey, request.OrderId, request.CustomerId, request.Amount, request.PaymentMethod,
                PaymentStatus.Pending, null, null, time.GetUtcNow());
            if (!await ledger.TryCreateAsync(claim, ct))
            {
                // Another request claimed the key first: its answer, or "in progress".
                (record, _) = await ledger.GetAsync(request.IdempotencyKey, ct);
                return record is { Status: not PaymentStatus.Pending } ? new ChargeResult(ChargeOutcome.Done, record) : new ChargeResult(ChargeOutcome.InProgress, record);
            }

            (record, etag) = await ledger.GetAsync(request.IdempotencyKey, ct);
        }

        if (record!.Status != PaymentStatus.Pending)
        {
            return new ChargeResult(ChargeOutcome.Done, record);
        }

        ProviderResult answer;
        using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            deadline.CancelAfter(_providerTimeout);
            try
            {
                answer = await provider.ChargeAsync(request.IdempotencyKey, record.Amount, record.PaymentMethod, deadline.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                LogProviderTimeout(request.IdempotencyKey, _providerTimeout);
                return new ChargeResult(ChargeOutcome.ProviderTimedOut, record);
            }
        }

        var done = record with
        {
            Status = answer.Outcome == ProviderOutcome.Succeeded ? PaymentStatus.Charged : PaymentStatus.Declined,
            ProviderReference = answer.ProviderReference,
            DeclineCode = answer.DeclineCode,
            UpdatedAt = time.GetUtcNow(),
        };
        if (!await ledger.TryUpdateAsync(done, etag, ct))
        {
            (record, _) = await ledger.GetAsync(request.IdempotencyKey, ct);
            return new ChargeResult(ChargeOutcome.Done, record);
        }

        await ledger.IndexAsync(done, ct);
        return new ChargeResult(ChargeOutcome.Done, done);
    }

    /// <summary>Refunds a charge once; a payment that was never charged is never refunded (nor charged).</summary>
    public async Task<(RefundOutcome Outcome, PaymentRecord? Record)> RefundAsync(string paymentId, CancellationToken ct)
    {
        if (await ledger.FindKeyAsync(paymentId, ct) is not { } key)
        {
            return (RefundOutcome.NotFound, null);
        }

        while (true)
        {
            var (record, etag) = await ledger.GetAsync(key, ct);
            switch (record?.Status)
            {
                case null:
                    return (RefundOutcome.NotFound, null);
                case PaymentStatus.Refunded:
                    return (RefundOutcome.Refunded, record);
                case not PaymentStatus.Charged:
                    return (RefundOutcome.NotCharged, record);
            }

            await provider.RefundAsync(record.ProviderReference!, ct);
            var refunded = record with { Status = PaymentStatus.Refunded, UpdatedAt = time.GetUtcNow() };
            if (await ledger.TryUpdateAsync(refunded, etag, ct))
            {
                return (RefundOutcome.Refunded, refunded);
            }
        }
    }

    public async Task<PaymentRecord?> GetAsync(string idempotencyKey, CancellationToken ct) => (await ledger.GetAsync(idempotencyKey, ct)).Record;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The payment provider did not answer charge {IdempotencyKey} within {Timeout}; the charge stays pending")]
    private partial void LogProviderTimeout(string idempotencyKey, TimeSpan timeout);
}
