using Dapr.Workflow;
using DaprPlatform.Ordering.Clients;
using DaprPlatform.Ordering.Telemetry;
using DaprPlatform.Workflows.OrderSaga;

namespace DaprPlatform.Ordering.Saga.Activities;

public sealed class ChargePaymentActivity(PaymentsClient payments, SagaAttempts attempts) : WorkflowActivity<ChargePaymentInput, PaymentOutcome>
{
    public override async Task<PaymentOutcome> RunAsync(WorkflowActivityContext context, ChargePaymentInput input)
    {
        await attempts.RecordAsync(context);
        return await payments.ChargeAsync(input, CancellationToken.None);
    }
}

public sealed class RefundPaymentActivity(PaymentsClient payments, OrderingMetrics metrics, SagaAttempts attempts) : WorkflowActivity<RefundPaymentInput, bool>
{
    public override async Task<bool> RunAsync(WorkflowActivityContext context, RefundPaymentInput input)
    {
        await attempts.RecordAsync(context);
        await payments.RefundAsync(input.PaymentId, CancellationToken.None);
        metrics.CompensationApplied(OrderingMetrics.RefundStep);
        return true;
    }
}
