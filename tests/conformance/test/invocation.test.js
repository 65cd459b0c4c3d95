// Service invocation through the official JS SDK: client.invoker.invoke from one JS app, through its sidecar and the
// callee's sidecar (sidecar-to-sidecar, name resolution), to a method a second JS app serves with DaprServer.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { HttpMethod } from "@dapr/dapr";
import { startJsApp, uniqueName } from "../lib/apps.js";
import { rejection } from "../lib/errors.js";

const run = uniqueName("conformance-invoke");
const calleeId = `${run}-callee`;
const callerId = `${run}-caller`;
let callee;
let caller;

before(async () => {
  callee = await startJsApp({
    appId: calleeId,
    setup: async (server) => {
      await server.invoker.listen(
        "hello",
        async ({ query, headers }) => ({
          greeting: "hi",
          query,
          caller: headers["dapr-caller-app-id"],
          callee: headers["dapr-callee-app-id"],
          custom: headers["x-conformance"],
        }),
        { method: HttpMethod.GET },
      );
      await server.invoker.listen(
        "echo",
        async ({ body, metadata }) => ({ received: JSON.parse(body), contentType: metadata.contentType }),
        { method: HttpMethod.POST },
      );
      await server.invoker.listen("orders/items", async ({ body }) => ({ stored: JSON.parse(body) }), { method: HttpMethod.PUT });
      await server.invoker.listen("orders/items", async ({ query }) => ({ deleted: query }), { method: HttpMethod.DELETE });
      // A handler that answers with its own status: daprd passes the app's status and body back unchanged.
      server.daprServer.getServer().get("/teapot", (req, res) => res.status(418).json({ short: "and stout" }));
    },
  });
  caller = await startJsApp({
    appId: callerId,
    setup: async (server) => {
      // The caller app itself invokes the callee from inside a handler, with its own DaprClient and sidecar.
      await server.invoker.listen(
        "relay",
        async ({ body }) => {
          const { text } = JSON.parse(body);
          const echoed = await server.client.invoker.invoke(calleeId, "echo", HttpMethod.POST, { text, via: callerId });
          return { relayed: echoed };
        },
        { method: HttpMethod.POST },
      );
    },
  });
});

after(async () => {
  await caller?.stop();
  await callee?.stop();
});

test("GET reaches the callee app with the query string and dapr-caller/callee-app-id headers", async () => {
  const answer = await caller.client.invoker.invoke(calleeId, "hello?name=ada&lang=en", HttpMethod.GET, undefined, {
    headers: { "x-conformance": "passed through" },
  });
  assert.deepEqual(answer, {
    greeting: "hi",
    query: "/hello?name=ada&lang=en",
    caller: callerId,
    callee: calleeId,
    custom: "passed through",
  });
});

test("POST carries a JSON body and its content type both ways", async () => {
  const payload = { id: 42, tags: ["x", "y"], nested: { ok: true }, text: "ünïcode ✓" };
  const answer = await caller.client.invoker.invoke(calleeId, "echo", HttpMethod.POST, payload);
  assert.deepEqual(answer, { received: payload, contentType: "application/json" });
});

test("a large JSON body (about 1 MB) is relayed intact", async () => {
  const rows = Array.from({ length: 10000 }, (_, i) => ({ i, name: `row-${i}`, padding: "x".repeat(80) }));
  const answer = await caller.client.invoker.invoke(calleeId, "echo", HttpMethod.POST, { rows });
  assert.equal(answer.received.rows.length, rows.length);
  assert.deepEqual(answer.received.rows.at(-1), rows.at(-1));
});

test("nested method paths and other verbs (PUT, DELETE) reach the matching handler", async () => {
  assert.deepEqual(await caller.client.invoker.invoke(calleeId, "orders/items", HttpMethod.PUT, { sku: "a-1" }), {
    stored: { sku: "a-1" },
  });
  assert.deepEqual(await caller.client.invoker.invoke(calleeId, "orders/items?sku=a-1", HttpMethod.DELETE), {
    deleted: "/orders/items?sku=a-1",
  });
});

test("an app calling another app from inside its own handler (JS app -> JS app -> JS app)", async () => {
  const answer = await callee.client.invoker.invoke(callerId, "relay", HttpMethod.POST, { text: "round trip" });
  assert.deepEqual(answer, {
    relayed: { received: { text: "round trip", via: callerId }, contentType: "application/json" },
  });
});

test("the app's own non-2xx status and body come back to the caller unchanged", async () => {
  const error = await rejection(caller.client.invoker.invoke(calleeId, "teapot", HttpMethod.GET));
  assert.equal(error.status, 418);
  assert.deepEqual(error.body, { short: "and stout" });
});

test("a method the app does not serve is the app's 404, not a sidecar error", async () => {
  const error = await rejection(caller.client.invoker.invoke(calleeId, "no-such-method", HttpMethod.GET));
  assert.equal(error.status, 404);
  assert.equal(error.errorCode, undefined);
});

test("an app id nobody runs is 500 ERR_DIRECT_INVOKE", async () => {
  const error = await rejection(caller.client.invoker.invoke(`${run}-nobody`, "hello", HttpMethod.GET));
  assert.equal(error.status, 500);
  assert.equal(error.errorCode, "ERR_DIRECT_INVOKE");
  assert.match(error.message, new RegExp(`${run}-nobody`));
});
