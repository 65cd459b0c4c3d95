// Workflows through the official Dapr JS SDK: a workflow app on `WorkflowRuntime` (apps/order-workflow.js) and the
// SDK's `DaprWorkflowClient`, both speaking durabletask gRPC to our sidecar's TaskHubSidecarService, with the
// engine's history on state.redis (actorStateStore). The same instances are then read through the HTTP API.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { DaprWorkflowClient, LogLevel, WorkflowRuntimeStatus } from "@dapr/dapr";
import { uniqueName } from "../lib/apps.js";
import { infra } from "../lib/infra.js";
import { Resources } from "../lib/resources.js";
import { startSidecar } from "../lib/sidecar.js";
import { waitFor } from "../lib/wait.js";
import {
  approvalEvent,
  failingWorkflowName,
  failureMessage,
  startOrderWorkflowApp,
  workflowName,
} from "../apps/order-workflow.js";

const verbose = process.env.CONFORMANCE_SDK_LOGS === "1";
const write = (...args) => verbose && console.error(...args);
const logger = {
  level: verbose ? LogLevel.Debug : LogLevel.Error,
  service: { error: write, warn: write, info: write, verbose: write, debug: write },
};

const appId = uniqueName("conformance-workflow");
let resources;
let sidecar;
let app;
let client;

before(async () => {
  resources = new Resources().redisState("workflowstore", infra().redisHost, { actorStateStore: "true" });
  sidecar = await startSidecar({ appId, resourcesPath: resources.path });
  app = await startOrderWorkflowApp({ grpcPort: sidecar.grpcPort, logger });
  client = new DaprWorkflowClient({ daprHost: "127.0.0.1", daprPort: String(sidecar.grpcPort), logger });
  // The worker's GetWorkItems stream is open once the sidecar counts it.
  await waitFor(
    async () => (await (await sidecar.fetch("/v1.0/metadata")).json()).workflows?.connectedWorkers >= 1,
    { what: "the JS workflow worker to connect", timeoutMs: 20000 },
  );
});

after(async () => {
  await client?.stop();
  await app?.runtime.stop();
  await sidecar?.stop();
  resources?.dispose();
});

async function httpState(instanceId) {
  const response = await sidecar.fetch(`/v1.0/workflows/dapr/${instanceId}`);
  assert.equal(response.status, 200, `GET workflow ${instanceId}: ${response.status}`);
  return response.json();
}

async function waitForCustomStatus(instanceId, customStatus) {
  return waitFor(
    async () => {
      const state = await client.getWorkflowState(instanceId, true);
      return state?.customStatus === customStatus ? state : undefined;
    },
    { what: `custom status ${customStatus} of ${instanceId}` },
  );
}

const order = { id: "o-17", item: "keyboard", quantity: 3, price: 25 };

test("a JS SDK workflow with three activities and an external event completes on our sidecar", async () => {
  const instanceId = await client.scheduleNewWorkflow(workflowName, order, uniqueName("js-order"));

  const waiting = await waitForCustomStatus(instanceId, "awaiting-approval");
  assert.equal(waiting.runtimeStatus, WorkflowRuntimeStatus.RUNNING);
  assert.equal(waiting.name, workflowName);
  assert.deepEqual(JSON.parse(waiting.serializedInput), order);
  assert.deepEqual(app.executions, [`reserve:${order.id}`]);

  await client.raiseEvent(instanceId, approvalEvent, { approver: "dana" });
  const state = await client.waitForWorkflowCompletion(instanceId, true, 20);

  assert.equal(state.runtimeStatus, WorkflowRuntimeStatus.COMPLETED, state.workflowFailureDetails?.message);
  assert.equal(state.customStatus, "done");
  assert.deepEqual(JSON.parse(state.serializedOutput), {
    orderId: order.id,
    reservation: { reservationId: "res-o-17", quantity: 3 },
    payment: { paymentId: "pay-o-17", amount: 75, approvedBy: "dana" },
    shipment: "shipped 3 of keyboard",
  });
  // Replays never re-run an activity.
  assert.deepEqual(app.executions, [`reserve:${order.id}`, `charge:${order.id}`, `ship:${order.id}`]);

  // The same instance through the workflow HTTP API, as daprd reports it.
  const http = await httpState(instanceId);
  assert.equal(http.instanceID, instanceId);
  assert.equal(http.workflowName, workflowName);
  assert.equal(http.runtimeStatus, "COMPLETED");
  assert.deepEqual(JSON.parse(http.properties["dapr.workflow.output"]), JSON.parse(state.serializedOutput));
  assert.deepEqual(JSON.parse(http.properties["dapr.workflow.input"]), order);
  assert.equal(http.properties["dapr.workflow.custom_status"], "done");
});

test("a workflow started over HTTP runs in the JS worker; the JS client raises its event, suspends, resumes and purges it", async () => {
  const instanceId = uniqueName("http-order");
  const httpOrder = { ...order, id: "o-18", quantity: 1 };
  const start = await sidecar.fetch(`/v1.0/workflows/dapr/${workflowName}/start?instanceID=${instanceId}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(httpOrder),
  });
  assert.equal(start.status, 202);
  assert.deepEqual(await start.json(), { instanceID: instanceId });

  await waitForCustomStatus(instanceId, "awaiting-approval");
  await client.suspendWorkflow(instanceId);
  await waitFor(async () => (await httpState(instanceId)).runtimeStatus === "SUSPENDED", { what: "SUSPENDED over HTTP" });
  await client.raiseEvent(instanceId, approvalEvent, { approver: "erin" });
  await client.resumeWorkflow(instanceId);

  const state = await client.waitForWorkflowCompletion(instanceId, true, 20);
  assert.equal(state.runtimeStatus, WorkflowRuntimeStatus.COMPLETED, state.workflowFailureDetails?.message);
  assert.equal(JSON.parse(state.serializedOutput).payment.approvedBy, "erin");

  assert.equal(await client.purgeWorkflow(instanceId), true);
  assert.equal(await client.getWorkflowState(instanceId, false), undefined);
  const gone = await sidecar.fetch(`/v1.0/workflows/dapr/${instanceId}`);
  assert.equal(gone.status, 404);
  assert.equal((await gone.json()).errorCode, "ERR_INSTANCE_ID_NOT_FOUND");
});

test("terminating through the JS client ends a waiting workflow as TERMINATED with the given output", async () => {
  const instanceId = await client.scheduleNewWorkflow(workflowName, { ...order, id: "o-19" });
  await waitForCustomStatus(instanceId, "awaiting-approval");

  await client.terminateWorkflow(instanceId, { reason: "customer cancelled" });
  const state = await client.waitForWorkflowCompletion(instanceId, true, 20);

  assert.equal(state.runtimeStatus, WorkflowRuntimeStatus.TERMINATED);
  assert.deepEqual(JSON.parse(state.serializedOutput), { reason: "customer cancelled" });
  assert.equal((await httpState(instanceId)).runtimeStatus, "TERMINATED");
  assert.ok(!app.executions.includes("charge:o-19"));
});

test("a durable timer then a throwing activity: the JS workflow fails with the activity's error details", async () => {
  const orderId = uniqueName("declined");
  const instanceId = await client.scheduleNewWorkflow(failingWorkflowName, { orderId, delayMs: 1500 });

  const state = await client.waitForWorkflowCompletion(instanceId, true, 20);

  assert.equal(state.runtimeStatus, WorkflowRuntimeStatus.FAILED);
  const firedAfterMs = Number(/timer fired after (\d+) ms/.exec(state.customStatus)?.[1]);
  assert.ok(firedAfterMs >= 1500, `the timer fired early: ${state.customStatus}`);
  assert.match(state.workflowFailureDetails.getErrorMessage(), new RegExp(failureMessage));
  assert.deepEqual(app.executions.filter((e) => e.endsWith(orderId)), [`decline:${orderId}`]);

  // daprd's HTTP view of a failed instance: failure properties, no output.
  const http = await httpState(instanceId);
  assert.equal(http.runtimeStatus, "FAILED");
  assert.match(http.properties["dapr.workflow.failure.error_message"], new RegExp(failureMessage));
  assert.equal(http.properties["dapr.workflow.output"], undefined);
});
