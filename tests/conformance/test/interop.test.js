// End-to-end interop: three apps started separately with `./dapr-dev run`, each with its own sidecar, on real Redis
// and RabbitMQ: a C# app on the official Dapr .NET SDK (tests/apps/InteropInventory) and two JS apps on the official Dapr JS SDK
// (apps/checkout.js, apps/shipping.js). They invoke each other (JS -> C# -> JS), share state, and exchange events;
// then the test looks at Redis and RabbitMQ directly to check that keys, exchanges and queues have the names and
// shapes real Dapr components give them.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import path from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { HttpMethod } from "@dapr/dapr";
import amqp from "amqplib";
import { createClient } from "redis";
import { jsClient, uniqueName } from "../lib/apps.js";
import { buildDaprDev, buildDotnetApp, daprDevRun } from "../lib/daprdev.js";
import { infra, rabbitmqctlArgs } from "../lib/infra.js";
import { Resources } from "../lib/resources.js";
import { repoRoot } from "../lib/sidecar.js";
import { waitFor } from "../lib/wait.js";

const here = path.dirname(fileURLToPath(import.meta.url));
const appsDir = path.join(here, "..", "apps");
const run = uniqueName("interop");
const ids = { checkout: `${run}-checkout`, inventory: `${run}-inventory`, shipping: `${run}-shipping` };
const topics = { orders: `${run}-orders`, reservations: `${run}-reservations` };
// A literal keyPrefix: every app using the "shared" store reads and writes `<prefix>||<key>`.
const sharedPrefix = `${run}-shared`;
const interopEnv = {
  INTEROP_PUBSUB: "pubsub",
  INTEROP_ORDERS_TOPIC: topics.orders,
  INTEROP_RESERVATIONS_TOPIC: topics.reservations,
  INTEROP_SHARED_STORE: "shared",
  INTEROP_INVENTORY_APP_ID: ids.inventory,
  INTEROP_SHIPPING_APP_ID: ids.shipping,
};

let resources;
let redis;
const apps = {};

/** Invokes `method` on `appId` through the checkout app's sidecar, with the JS SDK. */
const invoke = (appId, method, verb = HttpMethod.GET, body) => jsClient(apps.checkout.daprHttpPort).invoker.invoke(appId, method, verb, body);

async function checkout(item, quantity) {
  return invoke(ids.checkout, "checkout", HttpMethod.POST, { item, quantity });
}

async function rabbitmqctl(...command) {
  const { env, args } = rabbitmqctlArgs();
  const { stdout } = await promisify(execFile)("rabbitmqctl", [...args, "-q", ...command, "--no-table-headers"], { env, timeout: 60000 });
  // Rows are tab-separated; an empty last column (a binding's empty routing key) leaves a trailing tab.
  return stdout
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => line.split("\t"));
}

before(async () => {
  const { redisHost, redisUrl, amqpUri } = infra();
  resources = new Resources()
    .redisState("statestore", redisHost)
    .redisState("shared", redisHost, { keyPrefix: sharedPrefix })
    .rabbitPubSub("pubsub", amqpUri);
  redis = await createClient({ url: redisUrl }).connect();

  await buildDaprDev();
  const inventoryDll = await buildDotnetApp(path.join(repoRoot, "tests", "apps", "InteropInventory", "InteropInventory.csproj"), "InteropInventory");

  // Started one after the other, as three developers' terminals would; each waits for its own sidecar.
  apps.shipping = await daprDevRun({ appId: ids.shipping, resourcesPath: resources.path, env: interopEnv, command: ["node", path.join(appsDir, "shipping.js")] });
  apps.inventory = await daprDevRun({ appId: ids.inventory, resourcesPath: resources.path, env: interopEnv, command: ["dotnet", inventoryDll] });
  apps.checkout = await daprDevRun({ appId: ids.checkout, resourcesPath: resources.path, env: interopEnv, command: ["node", path.join(appsDir, "checkout.js")] });
  for (const app of Object.values(apps)) {
    await waitFor(async () => (await (await fetch(`${app.daprUrl}/v1.0/metadata`)).json()).subscriptions?.length === 1, {
      timeoutMs: 30000,
      what: `the subscription of ${app.appId}`,
    });
  }
});

after(async () => {
  // Each ./dapr-dev run stops its app and sidecar on Ctrl+C and exits 0... or reports why not.
  await Promise.all(Object.values(apps).map((app) => app.stop()));
  await redis?.quit();
  resources?.dispose();
});

describe("three apps started with ./dapr-dev run", () => {
  let placed;

  before(async () => {
    placed = await checkout("book", 4);
  });

  test("JS checkout -> C# inventory -> JS shipping: invocations chain through three sidecars", () => {
    assert.equal(placed.checkedOutBy, ids.checkout);
    assert.equal(placed.reservation.orderId, placed.orderId);
    assert.equal(placed.reservation.reservedBy, ids.inventory);
    assert.deepEqual(placed.reservation.shipping, { cost: 10, quotedBy: ids.shipping });
  });

  test("the C# app's state in the shared store reads back in a JS app (same keyPrefix)", async () => {
    const key = `reservation-${placed.orderId}`;
    const read = await invoke(ids.shipping, `shared?key=${key}`);
    assert.deepEqual(read, { key, value: placed.reservation });
  });

  test("events published by JS reach the C# and the other JS subscriber; the C# app's events reach JS", async () => {
    const inventoryOrders = await waitFor(
      async () => (await invoke(ids.inventory, "received")).find((r) => r.order.orderId === placed.orderId),
      { what: "the order event at the C# app" },
    );
    assert.deepEqual(inventoryOrders, {
      order: { orderId: placed.orderId, item: "book", quantity: 4 },
      source: ids.checkout,
      topic: topics.orders,
    });

    const shippingOrders = await waitFor(
      async () => (await invoke(ids.shipping, "received")).find((r) => r.data.orderId === placed.orderId),
      { what: "the order event at the JS shipping app" },
    );
    assert.deepEqual(shippingOrders, { data: { orderId: placed.orderId, item: "book", quantity: 4 }, pubsubname: "pubsub" });

    const reservation = await waitFor(
      async () => (await invoke(ids.checkout, "received")).find((r) => r.orderId === placed.orderId),
      { what: "the reservation event at the JS checkout app" },
    );
    assert.deepEqual(reservation, placed.reservation);
  });

  test("Redis holds daprd's layout: hashes at appid||key and prefix||key with data and version", async () => {
    const expectations = [
      [`${ids.checkout}||checkout-${placed.orderId}`, { orderId: placed.orderId, item: "book", quantity: 4, reservation: placed.reservation }],
      [`${sharedPrefix}||reservation-${placed.orderId}`, placed.reservation],
    ];
    // The C# app saves what it received once the event arrived.
    await waitFor(async () => (await redis.exists(`${ids.inventory}||seen-${placed.orderId}`)) === 1, { what: "the C# app's own key" });
    expectations.push([`${ids.inventory}||seen-${placed.orderId}`, { orderId: placed.orderId, item: "book", quantity: 4 }]);

    for (const [key, value] of expectations) {
      assert.equal(await redis.type(key), "hash", key);
      const hash = await redis.hGetAll(key);
      assert.deepEqual(Object.keys(hash).sort(), ["data", "version"], key);
      assert.deepEqual(JSON.parse(hash.data), value, key);
      assert.match(hash.version, /^[1-9][0-9]*$/, key);
    }
  });

  test("RabbitMQ: a fanout exchange per topic and a {appid}-{topic} queue per subscriber, bound to it", async () => {
    const exchanges = new Map((await rabbitmqctl("list_exchanges", "name", "type", "durable", "auto_delete")).map(([name, ...rest]) => [name, rest]));
    // The component's defaults in code (components-contrib createMetadata): durable true (the docs say false),
    // deletedWhenUnused true; both apply to the topic's exchange and to each subscriber's queue.
    assert.deepEqual(exchanges.get(topics.orders), ["fanout", "true", "true"]);
    assert.deepEqual(exchanges.get(topics.reservations), ["fanout", "true", "true"]);

    const queues = new Map((await rabbitmqctl("list_queues", "name", "durable", "auto_delete", "consumers")).map(([name, ...rest]) => [name, rest]));
    const expectedQueues = [`${ids.inventory}-${topics.orders}`, `${ids.shipping}-${topics.orders}`, `${ids.checkout}-${topics.reservations}`];
    for (const queue of expectedQueues) {
      assert.deepEqual(queues.get(queue), ["true", "true", "1"], queue);
    }

    const bindings = (await rabbitmqctl("list_bindings", "source_name", "destination_name", "destination_kind", "routing_key"))
      .filter(([source]) => source === topics.orders || source === topics.reservations)
      .map(([source, destination, kind, routingKey]) => `${source} -> ${kind} ${destination} (routing key "${routingKey}")`)
      .sort();
    assert.deepEqual(bindings, [
      `${topics.orders} -> queue ${ids.inventory}-${topics.orders} (routing key "")`,
      `${topics.orders} -> queue ${ids.shipping}-${topics.orders} (routing key "")`,
      `${topics.reservations} -> queue ${ids.checkout}-${topics.reservations} (routing key "")`,
    ]);
  });

  test("RabbitMQ: the message on the wire is the CloudEvent daprd publishes", async () => {
    // A plain AMQP consumer (no Dapr) on its own queue bound to the orders exchange sees what any subscriber gets.
    const connection = await amqp.connect(infra().amqpUri);
    try {
      const channel = await connection.createChannel();
      const { queue } = await channel.assertQueue("", { exclusive: true });
      await channel.bindQueue(queue, topics.orders, "");
      const received = new Promise((resolve) => channel.consume(queue, resolve, { noAck: true }));
      const second = await checkout("pen", 1);
      const message = await received;
      const event = JSON.parse(message.content.toString());
      assert.equal(event.specversion, "1.0");
      assert.equal(event.type, "com.dapr.event.sent");
      assert.equal(event.source, ids.checkout);
      assert.equal(event.topic, topics.orders);
      assert.equal(event.pubsubname, "pubsub");
      assert.equal(event.datacontenttype, "application/json");
      assert.deepEqual(event.data, { orderId: second.orderId, item: "pen", quantity: 1 });
      assert.match(event.id, /^[0-9a-f-]{36}$/);
      assert.match(event.traceparent, /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
      assert.ok(!Number.isNaN(Date.parse(event.time)), `time ${event.time}`);
    } finally {
      await connection.close();
    }
  });
});

test("each ./dapr-dev run stops its app and sidecar on Ctrl+C and exits cleanly", async () => {
  const results = await Promise.all(Object.values(apps).map((app) => app.stop()));
  for (const [index, result] of results.entries()) {
    assert.equal(result.signal, null, `${Object.values(apps)[index].appId} was killed`);
    assert.equal(result.code, 0, `${Object.values(apps)[index].appId} exited with ${result.code}:\n${Object.values(apps)[index].output()}`);
  }
  const registry = await (await fetch(`http://127.0.0.1:${apps.checkout.daprHttpPort}/v1.0/healthz`).catch(() => null));
  assert.equal(registry, null, "the checkout sidecar still answers after its ./dapr-dev run ended");
});
