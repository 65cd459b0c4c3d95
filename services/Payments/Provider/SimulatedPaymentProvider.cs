using System.Collections.Concurrent;

namespace DaprPlatform.Payments.Provider;

/// <summary>
/// A provider with Stripe's test payment methods: <c>pm_card_visa</c> is charged, <c>pm_card_chargeDeclined</c>
/// declined (<c>card_declined</c>), <c>pm_card_slow</c> answers after <see cref="SlowDelay"/>, past the service's
/// timeout. Like a real provider it charges an idempotency key once, however often it is asked.
/// </summary>
public sealed class SimulatedPaymentProvider(TimeProvider time) : IPaymentProvider
{
    public const string Visa = "pm_card_visa";
    public const string Declined = "pm_card_chargeDeclined";
    public const string Slow = "pm_card_slow";

    public static readonly TimeSpan SlowDelay = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<string, ProviderResult> _charges = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _refunds = new(StringComparer.Ordinal);

    /// <summary>Charges the provider actually made (not answers repeated for a known key).</summary>
    public int ChargesMade => _charges.Count(c => c.Value.Outcome == ProviderOutcome.Succeeded);

    public int RefundsMade => _refunds.Count;

    public static bool IsKnown(string paymentMethod) => paymentMethod is Visa or Declined or Slow;

    public async Task<ProviderResult> ChargeAsync(string idempotencyKey, decimal amount, string paymentMethod, CancellationToken cancellationToken)
    {
        if (paymentMethod == Slow)
        {
            await Task.Delay(SlowDelay, time, cancellationToken);
        }

        return _charges.GetOrAdd(idempotencyKey, _ => paymentMethod switch
        {
            Visa or Slow => new ProviderResult(ProviderOutcome.Succeeded, $"ch_{Guid.NewGuid():N}", null),
            Declined => new ProviderResult(ProviderOutcome.Declined, null, "card_declined"),
            // The API refuses other methods before a charge is claimed.
            _ => throw new ArgumentOutOfRangeException(nameof(paymentMethod), paymentMethod, "unknown payment method"),
        });
    }

    public Task RefundAsync(string providerReference, CancellationToken cancellationToken)
    {
        _refunds.TryAdd(providerReference, true);
        return Task.CompletedTask;
    }
}
