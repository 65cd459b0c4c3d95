using Dapr.Client;

namespace DaprPlatform.Payments.Ledger;

/// <summary>
/// The ledger in the Dapr state store, one record per idempotency key and an index from payment id to key. Every
/// change is made against the etag it was read with, so two requests for the same key cannot both charge.
/// </summary>
public sealed class PaymentLedger(DaprClient dapr, IConfiguration configuration)
{
    private readonly string _store = configuration["Payments:StateStore"] ?? "statestore";

    private static readonly StateOptions FirstWrite = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    public Task<(PaymentRecord? Record, string ETag)> GetAsync(string idempotencyKey, CancellationToken ct) =>
        dapr.GetStateAndETagAsync<PaymentRecord?>(_store, ChargeKey(idempotencyKey), ConsistencyMode.Strong, cancellationToken: ct);

    /// <summary>Stores the record where there is none yet; false when another request got there first.</summary>
    public async Task<bool> TryCreateAsync(PaymentRecord record, CancellationToken ct)
    {
        try
        {
            await dapr.SaveStateAsync(_store, ChargeKey(record.IdempotencyKey), record, FirstWrite, cancellationToken: ct);
            return true;
        }
        catch (Dapr.DaprException)
        {
            // A first write without an etag that finds the key is not an etag error to daprd's stores (state.redis
            // answers "failed to set key"), so the refusal is told apart from a failure by reading the key back.
            if ((await GetAsync(record.IdempotencyKey, ct)).Record is not null)
            {
                return false;
            }

            throw;
        }
    }

    /// <summary>Replaces the record read with <paramref name="etag"/>; false when it changed since.</summary>
    public Task<bool> TryUpdateAsync(PaymentRecord record, string etag, CancellationToken ct) =>
        dapr.TrySaveStateAsync(_store, ChargeKey(record.IdempotencyKey), record, etag, FirstWrite, cancellationToken: ct);

    public Task IndexAsync(PaymentRecord record, CancellationToken ct) =>
        dapr.SaveStateAsync(_store, PaymentKey(record.PaymentId), record.IdempotencyKey, cancellationToken: ct);

    public Task<string?> FindKeyAsync(string paymentId, CancellationToken ct) =>
        dapr.GetStateAsync<string?>(_store, PaymentKey(paymentId), cancellationToken: ct);

    private static string ChargeKey(string idempotencyKey) => $"charge|{idempotencyKey}";

    private static string PaymentKey(string paymentId) => $"payment|{paymentId}";
}
