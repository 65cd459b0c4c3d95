namespace DaprPlatform.Workflows.OrderSaga;

/// <summary>
/// The activities the saga schedules, by name: the ordering service registers one implementation for each (calling
/// catalog, payments and its own database through Dapr), the tests answer them on the workflow test host.
/// </summary>
public static class OrderSagaActivityNames
{
    public const string ReserveInventory = "ReserveInventory";
    public const string ReleaseInventory = "ReleaseInventory";
    public const string ChargePayment = "ChargePayment";
    public const string RefundPayment = "RefundPayment";
    public const string ConfirmOrder = "ConfirmOrder";
    public const string CancelOrder = "CancelOrder";
}
