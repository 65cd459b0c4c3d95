using System.Net;
using System.Net.Http.Json;
using DaprPlatform.Ordering.Model;
using DaprPlatform.Workflows.OrderSaga;

namespace DaprPlatform.Ordering.Tests;

/// <summary>
/// Orders above the approval threshold wait for an admin: only an admin approves or rejects, only an order that is
/// waiting can be decided, and its customer may withdraw it while it waits.
/// </summary>
[Collection(OrderingCollection.Name)]
public sealed class ApprovalTests(OrderingPlatform platform)
{
    private const string AwaitingApproval = "AwaitingApproval";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Approving_or_rejecting_as_a_customer_is_403_and_the_order_keeps_waiting()
    {
        using var customer = platform.Customer(Guid.NewGuid().ToString());
        var orderId = await PlaceWaitingOrderAsync(customer);

        using var approve = await customer.PostAsync($"/orders/{orderId}/approve", null, Ct);
        using var reject = await customer.PostAsync($"/orders/{orderId}/reject", null, Ct);

        Assert.Equal((HttpStatusCode.Forbidden, HttpStatusCode.Forbidden), (approve.StatusCode, reject.StatusCode));
        Assert.Equal("application/problem+json", approve.Content.Headers.ContentType?.MediaType);
        // A raised event would end the wait at once; the order still waits a moment later.
        await Task.Delay(TimeSpan.FromMilliseconds(500), Ct);
        Assert.Equal(AwaitingApproval, (await customer.GetOrderAsync(orderId)).Status);
    }

    [Fact]
    public async Task An_admins_approval_lets_the_waiting_order_be_charged_and_confirmed()
    {
        using var customer = platform.Customer(Guid.NewGuid().ToString());
        var orderId = await PlaceWaitingOrderAsync(customer);
        using var admin = platform.Admin();

        using var approve = await admin.PostAsync($"/orders/{orderId}/approve", null, Ct);

        Assert.Equal(HttpStatusCode.Accepted, approve.StatusCode);
        await customer.WaitForStatusAsync(orderId, nameof(OrderStatus.Confirmed));
        // The order is confirmed inside the saga's last step, a moment before the saga records that step as done.
        await platform.WaitForSagaAsync(orderId);
        var order = await customer.GetOrderAsync(orderId);
        Assert.NotNull(order.PaymentId);
        Assert.Equal(
            [("reserve-inventory", SagaStepStatus.Succeeded), ("approval", SagaStepStatus.Succeeded), ("charge-payment", SagaStepStatus.Succeeded), ("confirm-order", SagaStepStatus.Succeeded)],
            order.Steps!.Select(s => (s.Name, s.Status)));
    }

    [Fact]
    public async Task An_admins_rejection_cancels_the_order_with_the_reason_and_releases_its_stock()
    {
        using var customer = platform.Customer(Guid.NewGuid().ToString());
        var orderId = await PlaceWaitingOrderAsync(customer);
        using var admin = platform.Admin();

        using var reject = await admin.PostAsJsonAsync($"/orders/{orderId}/reject", new { reason = "suspicious" }, Ct);

        Assert.Equal(HttpStatusCode.Accepted, reject.StatusCode);
        var order = await customer.WaitForStatusAsync(orderId, nameof(OrderStatus.Cancelled));
        Assert.Null(order.PaymentId);
        Assert.Contains("suspicious", order.CancellationReason, StringComparison.Ordinal);
        Assert.Contains(order.Steps!, s => s is { Name: "release-inventory", Status: SagaStepStatus.Compensated });
        Assert.DoesNotContain(order.Steps!, s => s.Name == "charge-payment");
    }

    [Fact]
    public async Task A_customer_withdraws_an_order_waiting_for_approval()
    {
        using var customer = platform.Customer(Guid.NewGuid().ToString());
        var orderId = await PlaceWaitingOrderAsync(customer);

        using var cancel = await customer.PostAsync($"/orders/{orderId}/cancel", null, Ct);

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        var order = await customer.WaitForStatusAsync(orderId, nameof(OrderStatus.Cancelled));
        Assert.Contains("cancelled by the customer", order.CancellationReason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(OrderStatus.Confirmed)]
    [InlineData(OrderStatus.Cancelled)]
    [InlineData(OrderStatus.Pending)]
    public async Task Approving_or_rejecting_an_order_that_is_not_waiting_for_approval_is_409(OrderStatus status)
    {
        // A pending row without a saga waiting on it is as undecidable as a final one.
        var order = await platform.InsertOrderAsync(Guid.NewGuid().ToString(), status);
        using var admin = platform.Admin();

        using var approve = await admin.PostAsync($"/orders/{order.Id}/approve", null, Ct);
        using var reject = await admin.PostAsync($"/orders/{order.Id}/reject", null, Ct);

        Assert.Equal((HttpStatusCode.Conflict, HttpStatusCode.Conflict), (approve.StatusCode, reject.StatusCode));
        Assert.Equal("application/problem+json", approve.Content.Headers.ContentType?.MediaType);
        Assert.Equal(status, (await platform.FindOrderAsync(order.Id))!.Status);
    }

    [Fact]
    public async Task Approving_an_order_below_the_threshold_once_it_is_confirmed_is_409()
    {
        using var customer = platform.Customer(Guid.NewGuid().ToString());
        var orderId = await customer.PlaceOrderAsync(OrderRequests.Request(items: [(3, 1)]));
        await customer.WaitForStatusAsync(orderId, nameof(OrderStatus.Confirmed));
        using var admin = platform.Admin();

        using var approve = await admin.PostAsync($"/orders/{orderId}/approve", null, Ct);

        Assert.Equal(HttpStatusCode.Conflict, approve.StatusCode);
    }

    [Fact]
    public async Task Approving_an_unknown_order_is_404()
    {
        using var admin = platform.Admin();

        using var approve = await admin.PostAsync($"/orders/{Guid.NewGuid()}/approve", null, Ct);

        Assert.Equal(HttpStatusCode.NotFound, approve.StatusCode);
    }

    [Fact]
    public async Task Cancelling_a_confirmed_order_is_409_and_changes_nothing()
    {
        var order = await platform.InsertOrderAsync(Guid.NewGuid().ToString(), OrderStatus.Confirmed);
        using var customer = platform.Customer(order.CustomerId);

        using var cancel = await customer.PostAsync($"/orders/{order.Id}/cancel", null, Ct);

        Assert.Equal(HttpStatusCode.Conflict, cancel.StatusCode);
        Assert.Equal(OrderStatus.Confirmed, (await platform.FindOrderAsync(order.Id))!.Status);
    }

    /// <summary>Places one espresso machine (449.00, above the threshold) and waits until its saga waits for approval.</summary>
    private static async Task<string> PlaceWaitingOrderAsync(HttpClient customer)
    {
        var orderId = await customer.PlaceOrderAsync(OrderRequests.Request(items: [(5, 1)]));
        var order = await customer.WaitForStatusAsync(orderId, AwaitingApproval);
        Assert.Contains(order.Steps!, s => s is { Name: "reserve-inventory", Status: SagaStepStatus.Succeeded });
        return orderId;
    }
}
