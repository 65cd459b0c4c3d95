using DaprPlatform.WebConsole.Gateway;

namespace DaprPlatform.WebConsole.Tests;

/// <summary>When the order page stops reading an order: only once nothing more can change.</summary>
public sealed class OrderViewTests
{
    [Theory]
    [InlineData("Cancelled", "Completed", true)]
    [InlineData("Confirmed", "Completed", true)]
    [InlineData("Cancelled", "Failed", true)]
    [InlineData("Cancelled", "Terminated", true)]
    // The saga's last activity writes the status a moment before the workflow completes: its compensations may still come.
    [InlineData("Cancelled", "Running", false)]
    // The workflow could not be read this time (a timeout under load): the next read shows its steps.
    [InlineData("Cancelled", null, false)]
    [InlineData("Pending", "Running", false)]
    [InlineData("AwaitingApproval", "Running", false)]
    [InlineData("Pending", "NotStarted", false)]
    public void An_order_is_over_only_when_its_status_is_final_and_its_saga_has_ended(string status, string? sagaStatus, bool over)
    {
        var order = new OrderView("o-1", "c-1", status, [], 10m, "pm_card_visa", null, null, DateTimeOffset.UnixEpoch,
            DateTimeOffset.UnixEpoch, sagaStatus is null ? null : [], sagaStatus, null);

        Assert.Equal(over, order.IsOver);
    }
}
