namespace DaprPlatform.Payments.Provider;

public enum ProviderOutcome
{
    Succeeded,
    Declined,
}

public sealed record ProviderResult(ProviderOutcome Outcome, string? ProviderReference, string? DeclineCode);

/// <summary>The card network behind the payments service: charge and refund by the provider's own references.</summary>
public interface IPaymentProvider
{
    Task<ProviderResult> ChargeAsync(string idempotencyKey, decimal amount, string paymentMethod, CancellationToken cancellationToken);

    Task RefundAsync(string providerReference, CancellationToken cancellationToken);
}
