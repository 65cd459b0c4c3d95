using System.Globalization;
using Dapr.Workflow;
using DaprPlatform.Workflow.Saga;
using static DaprPlatform.Workflows.OrderSaga.OrderSagaActivityNames;

namespace DaprPlatform.Workflows.OrderSaga;

/// <summary>
/// Reserve inventory → (above the threshold) wait for an admin's approval → charge → confirm. Once a step fails, the
/// ones that succeeded are undone in reverse (refund, release) and the order is cancelled with the reason. A decline
/// or an out-of-stock is an answer and cancels at once; a fault is retried by the step's policy first. The custom
/// status (<see cref="SagaProgress"/>) shows every step while it runs.
/// </summary>
public sealed class OrderSagaWorkflow : Workflow<OrderSagaInput, OrderSagaResult>
{
    public const string Name = "OrderSaga";
    public const string ApprovalEvent = "approval";

    // A service that is down or restarting gets about half a minute before the saga gives up on the step.
    public static readonly WorkflowRetryPolicy StepRetry = new(
        maxNumberOfAttempts: 5, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromSeconds(15));

    // Undoing must finish: compensations and the cancellation keep trying for several minutes.
    public static readonly WorkflowRetryPolicy CompensationRetry = new(
        maxNumberOfAttempts: 10, firstRetryInterval: TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(1));

    private static readonly WorkflowTaskOptions Step = new(StepRetry);
    private static readonly WorkflowTaskOptions Undo = new(CompensationRetry);

    public override async Task<OrderSagaResult> RunAsync(WorkflowContext context, OrderSagaInput input)
    {
        var run = new SagaRun(context, input);
        try
        {
            var reservation = await run.StepAsync("reserve-inventory", () =>
                context.CallActivityAsync<ReservationOutcome>(ReserveInventory, new ReserveInventoryInput(input.OrderId, input.Lines), Step));
            if (!reservation.Reserved)
            {
                run.Fail("reserve-inventory", reservation.Reason);
                return await run.CancelAsync($"out of stock: {reservation.Reason}");
            }

            run.Succeed("reserve-inventory", reservation.ReservationId);
            run.Saga.AddCompensation(ReleaseInventory, new ReleaseInventoryInput(input.OrderId, reservation.ReservationId!), CompensationRetry);

            if (input.Total > input.ApprovalThreshold && await run.WaitForApprovalAsync() is { } refusal)
            {
                return await run.CancelAsync(refusal);
            }

            var payment = await run.StepAsync("charge-payment", () => context.CallActivityAsync<PaymentOutcome>(
                ChargePayment, new ChargePaymentInput(input.OrderId, input.CustomerId, input.Total, input.PaymentMethod, IdempotencyKey: input.OrderId), Step));
            if (!payment.Charged)
            {
                run.Fail("charge-payment", payment.DeclineReason);
                return await run.CancelAsync($"payment declined: {payment.DeclineReason}");
            }

            run.Succeed("charge-payment", payment.PaymentId);
            run.Saga.AddCompensation(RefundPayment, new RefundPaymentInput(input.OrderId, payment.PaymentId!), CompensationRetry);

            // Confirming writes order.confirmed to the ordering service's outbox in the same transaction.
            await run.StepAsync("confirm-order", async () =>
            {
                await context.CallActivityAsync(ConfirmOrder, new ConfirmOrderInput(input.OrderId, payment.PaymentId!), Step);
                return true;
            });
            run.Succeed("confirm-order", null);
            return new OrderSagaResult(input.OrderId, OrderSagaOutcome.Confirmed, null, payment.PaymentId);
        }
        catch (WorkflowTaskFailedException e) when (run.CurrentStep is { } step)
        {
            run.Fail(step, e.FailureDetails.ErrorMessage);
            return await run.CancelAsync($"{step} failed: {e.FailureDetails.ErrorMessage}");
        }
    }

    /// <summary>One run's state: the compensations registered and the progress shown as custom status.</summary>
    private sealed class SagaRun(WorkflowContext context, OrderSagaInput input)
    {
        private SagaProgress _progress = SagaProgress.Empty;

        public SagaCompensator Saga { get; } = new();

        public string? CurrentStep { get; private set; }

        public async Task<T> StepAsync<T>(string step, Func<Task<T>> call)
        {
            CurrentStep = step;
            Report(_progress.Start(step, context.CurrentUtcDateTime));
            return await call();
        }

        public void Succeed(string step, string? detail)
        {
            CurrentStep = null;
            Report(_progress.End(step, SagaStepStatus.Succeeded, context.CurrentUtcDateTime, detail));
        }

        public void Fail(string step, string? detail)
        {
            CurrentStep = null;
            Report(_progress.End(step, SagaStepStatus.Failed, context.CurrentUtcDateTime, detail));
        }

        /// <summary>Waits for the admin; null when approved, else why the order is not.</summary>
        public async Task<string?> WaitForApprovalAsync()
        {
            Report(_progress.Start("approval", context.CurrentUtcDateTime, SagaStepStatus.Waiting));
            ApprovalDecision decision;
            try
            {
                decision = await context.WaitForExternalEventAsync<ApprovalDecision>(ApprovalEvent, input.ApprovalTimeout);
            }
            catch (TaskCanceledException)
            {
                var timedOut = string.Create(CultureInfo.InvariantCulture, $"approval timed out after {input.ApprovalTimeout}");
                Fail("approval", timedOut);
                return timedOut;
            }

            if (!decision.Approved)
            {
                var rejected = $"rejected by {decision.DecidedBy ?? "an admin"}" + (decision.Reason is { Length: > 0 } why ? $": {why}" : "");
                Fail("approval", rejected);
                return rejected;
            }

            Succeed("approval", $"approved by {decision.DecidedBy ?? "an admin"}");
            return null;
        }

        /// <summary>Undoes what succeeded, in reverse, then cancels the order (which publishes order.cancelled).</summary>
        public async Task<OrderSagaResult> CancelAsync(string reason)
        {
            var compensation = await Saga.CompensateAsync(context, reason);
            foreach (var undo in compensation.Steps)
            {
                var name = OrderSagaSteps.CompensationStepOf(undo.ActivityName);
                var status = undo.Status == CompensationStepStatus.Succeeded ? SagaStepStatus.Compensated : SagaStepStatus.CompensationFailed;
                Report(_progress.Start(name, context.CurrentUtcDateTime).End(name, status, context.CurrentUtcDateTime, undo.Error));
            }

            Report(_progress.Start("cancel-order", context.CurrentUtcDateTime));
            await context.CallActivityAsync(CancelOrder, new CancelOrderInput(input.OrderId, reason), Undo);
            Report(_progress.End("cancel-order", SagaStepStatus.Succeeded, context.CurrentUtcDateTime) with { CancellationReason = reason });
            return new OrderSagaResult(input.OrderId, OrderSagaOutcome.Cancelled, reason, null);
        }

        private void Report(SagaProgress progress)
        {
            _progress = progress;
            context.SetCustomStatus(progress);
        }
    }
}
