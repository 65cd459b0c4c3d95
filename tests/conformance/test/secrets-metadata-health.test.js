// Secrets (secretstores.local.file), metadata and health through the official JS SDK: client.secret.get/getBulk,
// client.metadata.get/set, client.health.isHealthy and client.sidecar.shutdown against our sidecar.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { jsClient, startJsApp, uniqueName, waitForSubscriptions } from "../lib/apps.js";
import { rejection } from "../lib/errors.js";
import { infra } from "../lib/infra.js";
import { Resources } from "../lib/resources.js";
import { startSidecar } from "../lib/sidecar.js";

const secrets = {
  apiKey: "k-123",
  db: { user: "orders", password: "p@ss:w0rd" },
};
const run = uniqueName("conformance-meta");
let resources;
let app;

before(async () => {
  const { redisHost, amqpUri } = infra();
  resources = new Resources()
    .localFileSecrets("secretstore", secrets)
    .localFileSecrets("multistore", secrets, { multiValued: "true" })
    .redisState("statestore", redisHost)
    .rabbitPubSub("pubsub", amqpUri);
  app = await startJsApp({
    appId: `${run}-app`,
    resourcesPath: resources.path,
    setup: async (server) => {
      await server.pubsub.subscribe("pubsub", `${run}-orders`, async () => {});
    },
  });
  await waitForSubscriptions(app.sidecar, 1);
});

after(async () => {
  await app?.stop();
  resources?.dispose();
});

describe("secrets", () => {
  test("get returns {name: value}; nested JSON is flattened with ':'", async () => {
    assert.deepEqual(await app.client.secret.get("secretstore", "apiKey"), { apiKey: "k-123" });
    assert.deepEqual(await app.client.secret.get("secretstore", "db:password"), { "db:password": "p@ss:w0rd" });
  });

  test("getBulk returns every secret as {name: {name: value}}", async () => {
    assert.deepEqual(await app.client.secret.getBulk("secretstore"), {
      apiKey: { apiKey: "k-123" },
      "db:user": { "db:user": "orders" },
      "db:password": { "db:password": "p@ss:w0rd" },
    });
  });

  test("a multiValued store returns a secret's keys without its name", async () => {
    assert.deepEqual(await app.client.secret.get("multistore", "db"), { user: "orders", password: "p@ss:w0rd" });
  });

  test("a missing secret is 500 ERR_SECRET_GET (local.file reports not found as an error)", async () => {
    const error = await rejection(app.client.secret.get("secretstore", "nope"));
    assert.equal(error.status, 500);
    assert.equal(error.errorCode, "ERR_SECRET_GET");
  });

  test("an unknown secret store is 401 ERR_SECRET_STORE_NOT_FOUND", async () => {
    const error = await rejection(app.client.secret.get("no-such-store", "apiKey"));
    assert.equal(error.status, 401);
    assert.equal(error.errorCode, "ERR_SECRET_STORE_NOT_FOUND");
  });
});

describe("metadata", () => {
  test("get reports the app id, the loaded components with capabilities, the app connection and subscriptions", async () => {
    const metadata = await app.client.metadata.get();
    assert.equal(metadata.id, `${run}-app`);
    const components = Object.fromEntries(metadata.components.map((c) => [c.name, c]));
    assert.equal(components.statestore.type, "state.redis");
    assert.equal(components.statestore.version, "v1");
    for (const capability of ["ETAG", "TRANSACTIONAL", "TTL"]) {
      assert.ok(components.statestore.capabilities.includes(capability), `state.redis lacks ${capability}`);
    }
    assert.equal(components.pubsub.type, "pubsub.rabbitmq");
    assert.equal(components.secretstore.type, "secretstores.local.file");
    assert.equal(metadata.appConnectionProperties.port, app.appPort);
    assert.equal(metadata.appConnectionProperties.protocol, "http");
    assert.deepEqual(
      metadata.subscriptions.map((s) => [s.pubsubname, s.topic, s.type]),
      [["pubsub", `${run}-orders`, "PROGRAMMATIC"]],
    );
  });

  test("set stores an attribute that get then reports under extended", async () => {
    assert.equal(await app.client.metadata.set("conformance-attribute", "value with spaces"), true);
    const metadata = await app.client.metadata.get();
    assert.equal(metadata.extended["conformance-attribute"], "value with spaces");
  });
});

describe("health", () => {
  test("isHealthy is true while the sidecar runs and false once it stopped", async () => {
    const sidecar = await startSidecar({ appId: `${run}-short-lived`, resourcesPath: resources.path });
    const client = jsClient(sidecar.httpPort);
    assert.equal(await client.health.isHealthy(), true);
    await sidecar.stop();
    assert.equal(await client.health.isHealthy(), false);
  });
});

describe("shutdown", () => {
  test("client.sidecar.shutdown() stops the sidecar gracefully (exit code 0)", async () => {
    const sidecar = await startSidecar({ appId: `${run}-shutdown`, resourcesPath: resources.path });
    await jsClient(sidecar.httpPort).sidecar.shutdown();
    assert.deepEqual(await sidecar.waitForExit(), { code: 0, signal: null });
  });

  test("Dapr-Force-Shutdown skips the graceful sequence and exits with code 1", async () => {
    const sidecar = await startSidecar({ appId: `${run}-forced`, resourcesPath: resources.path });
    const response = await sidecar.fetch("/v1.0/shutdown", { method: "POST", headers: { "Dapr-Force-Shutdown": "true" } });
    assert.equal(response.status, 204);
    assert.deepEqual(await sidecar.waitForExit(), { code: 1, signal: null });
  });
});
