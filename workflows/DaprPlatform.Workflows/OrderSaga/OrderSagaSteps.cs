using static DaprPlatform.Workflows.OrderSaga.OrderSagaActivityNames;

namespace DaprPlatform.Workflows.OrderSaga;

/// <summary>
/// The saga's steps as <see cref="SagaProgress"/> names them, and which activity each one runs: a step's attempts are
/// counted per activity, and the compensations are told apart from the steps they undo.
/// </summary>
public static class OrderSagaSteps
{
    public const string Reserve = "reserve-inventory";
    public const string Approval = "approval";
    public const string Charge = "charge-payment";
    public const string Confirm = "confirm-order";
    public const string Release = "release-inventory";
    public const string Refund = "refund-payment";
    public const string Cancel = "cancel-order";

    private static readonly Dictionary<string, string> Activities = new(StringComparer.Ordinal)
    {
        [Reserve] = ReserveInventory,
        [Charge] = ChargePayment,
        [Confirm] = ConfirmOrder,
        [Release] = ReleaseInventory,
        [Refund] = RefundPayment,
        [Cancel] = CancelOrder,
    };

    private static readonly Dictionary<string, string> Compensations = new(StringComparer.Ordinal)
    {
        [ReleaseInventory] = Release,
        [RefundPayment] = Refund,
    };

    /// <summary>The activity the step runs; null for a step that runs none (the wait for approval).</summary>
    public static string? ActivityOf(string step) => Activities.GetValueOrDefault(step);

    /// <summary>The step name of a compensation activity, or the activity's own name for one this saga does not know.</summary>
    public static string CompensationStepOf(string activityName) => Compensations.GetValueOrDefault(activityName, activityName);

    /// <summary>True for the steps that undo an earlier one (refund, release).</summary>
    public static bool IsCompensation(string step) => step is Release or Refund;
}
