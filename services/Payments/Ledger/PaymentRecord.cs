using System.Text.Json.Serialization;

namespace DaprPlatform.Payments.Ledger;

[JsonConverter(typeof(JsonStringEnumConverter<PaymentStatus>))]
public enum PaymentStatus
{
    /// <summary>Claimed by a request that is asking the provider; a retry after a fault asks again.</summary>
    Pending,
    Charged,
    Declined,
    Refunded,
}

/// <summary>One charge in the ledger (Dapr state, key = the charge's idempotency key).</summary>
public sealed record PaymentRecord(
    string PaymentId,
    string IdempotencyKey,
    string OrderId,
    string CustomerId,
    decimal Amount,
    string PaymentMethod,
    PaymentStatus Status,
    string? ProviderReference,
    string? DeclineCode,
    DateTimeOffset UpdatedAt);
