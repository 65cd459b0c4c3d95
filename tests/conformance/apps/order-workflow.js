// A workflow app written only against the official Dapr JS SDK (WorkflowRuntime, which speaks durabletask gRPC to
// the sidecar's TaskHubSidecarService): an order workflow with three activities and an external approval event.
// Every activity call is recorded in `executions`, so a test can see what ran and in which order.
import { WorkflowRuntime } from "@dapr/dapr";

export const workflowName = "jsOrderWorkflow";
export const approvalEvent = "approval";
export const failingWorkflowName = "jsDelayedFailureWorkflow";
export const failureMessage = "card declined";

/** Starts a worker for the workflow on the sidecar's gRPC port; returns { runtime, executions }. */
export async function startOrderWorkflowApp({ grpcPort, logger }) {
  const executions = [];

  const reserveStock = async (_context, order) => {
    executions.push(`reserve:${order.id}`);
    return { reservationId: `res-${order.id}`, quantity: order.quantity };
  };
  const chargePayment = async (_context, { order, approver }) => {
    executions.push(`charge:${order.id}`);
    return { paymentId: `pay-${order.id}`, amount: order.quantity * order.price, approvedBy: approver };
  };
  const shipOrder = async (_context, { order, reservation }) => {
    executions.push(`ship:${order.id}`);
    return `shipped ${reservation.quantity} of ${order.item}`;
  };

  // Generator workflow as the SDK expects: each `yield` is a durable task, replayed from history after the first run.
  const orderWorkflow = async function* (context, order) {
    context.setCustomStatus("reserving");
    const reservation = yield context.callActivity("reserveStock", order);
    context.setCustomStatus("awaiting-approval");
    const approval = yield context.waitForExternalEvent(approvalEvent);
    context.setCustomStatus("charging");
    const payment = yield context.callActivity("chargePayment", { order, approver: approval.approver });
    const shipment = yield context.callActivity("shipOrder", { order, reservation });
    context.setCustomStatus("done");
    return { orderId: order.id, reservation, payment, shipment };
  };

  const declinePayment = async (_context, orderId) => {
    executions.push(`decline:${orderId}`);
    throw new Error(failureMessage);
  };

  // A durable timer, then an activity that throws: the workflow fails with the activity's error.
  const delayedFailureWorkflow = async function* (context, { orderId, delayMs }) {
    const firstTurnAt = context.getCurrentUtcDateTime().getTime();
    yield context.createTimer(delayMs / 1000);
    context.setCustomStatus(`timer fired after ${context.getCurrentUtcDateTime().getTime() - firstTurnAt} ms`);
    yield context.callActivity("declinePayment", orderId);
    return "unreachable";
  };

  const runtime = new WorkflowRuntime({ daprHost: "127.0.0.1", daprPort: String(grpcPort), logger })
    .registerWorkflowWithName(workflowName, orderWorkflow)
    .registerActivityWithName("reserveStock", reserveStock)
    .registerActivityWithName("chargePayment", chargePayment)
    .registerActivityWithName("shipOrder", shipOrder)
    .registerWorkflowWithName(failingWorkflowName, delayedFailureWorkflow)
    .registerActivityWithName("declinePayment", declinePayment);
  await runtime.start();
  return { runtime, executions };
}
