namespace DaprPlatform.Ordering.Saga;

/// <summary>The saga's business settings (configuration section "Ordering").</summary>
public sealed class OrderSagaOptions
{
    /// <summary>Orders whose total is above it wait for an admin's approval.</summary>
    public decimal ApprovalThreshold { get; set; } = 1000m;

    /// <summary>How long an order waits for approval before it is cancelled and its stock released.</summary>
    public TimeSpan ApprovalTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often the recovery looks for accepted orders whose saga was never scheduled.</summary>
    public TimeSpan RecoveryInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How old such an order must be before the recovery takes it: the request that accepted it schedules its saga
    /// itself right after the commit, and should not race the recovery.
    /// </summary>
    public TimeSpan RecoveryGrace { get; set; } = TimeSpan.FromSeconds(5);
}
