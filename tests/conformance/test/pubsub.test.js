// Publish/subscribe through the official JS SDK: client.pubsub.publish from one app's sidecar, a DaprServer app
// subscribing through another, over pubsub.rabbitmq (a real RabbitMQ broker) and pubsub.in-memory. Covers data
// shapes, route rules (CEL over the CloudEvent), CloudEvent overrides, bulk publish, and what daprd does with the
// SUCCESS / RETRY / DROP answers the SDK's server sends (inbound resiliency retries, dead-letter topics).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { DaprPubSubStatusEnum } from "@dapr/dapr";
import { jsClient, startJsApp, uniqueName, waitForSubscriptions } from "../lib/apps.js";
import { sidecarError } from "../lib/errors.js";
import { infra } from "../lib/infra.js";
import { Resources } from "../lib/resources.js";
import { startSidecar } from "../lib/sidecar.js";
import { Inbox, sleep } from "../lib/wait.js";

const { SUCCESS, RETRY, DROP } = DaprPubSubStatusEnum;
const pubsubs = ["rabbit-pubsub", "memory-pubsub"];
// Each inbound delivery is tried 1 + maxRetries times before daprd gives up (and dead-letters).
const maxRetries = 2;
// How long a test waits to be sure a message is NOT delivered again.
const quietMs = 1500;

const run = uniqueName("conformance-pubsub");
const topic = (pubsub, name) => `${run}-${pubsub}-${name}`;
const inboxes = new Map();
const inbox = (pubsub, name) => {
  const key = `${pubsub}/${name}`;
  if (!inboxes.has(key)) {
    inboxes.set(key, new Inbox());
  }
  return inboxes.get(key);
};

let resources;
let subscriber;
let publisherSidecar;
let publisher;

/** Subscriptions every pub/sub gets, registered on the DaprServer before it starts (as an app does). */
async function subscribeAll(server, pubsub) {
  const record = (name, answer = () => SUCCESS) => async (data, headers) => {
    inbox(pubsub, name).push({ data, headers });
    return answer(inbox(pubsub, name).items.length);
  };

  await server.pubsub.subscribe(pubsub, topic(pubsub, "plain"), record("plain"));

  await server.pubsub.subscribeWithOptions(pubsub, topic(pubsub, "routed"), {
    route: {
      rules: [
        { match: 'event.type == "widget.created"', path: "widgets" },
        { match: "event.data.priority > 5 && event.data.kind != 'toy'", path: "urgent" },
      ],
      default: "others",
    },
  });
  server.pubsub.subscribeToRoute(pubsub, topic(pubsub, "routed"), "widgets", record("widgets"));
  server.pubsub.subscribeToRoute(pubsub, topic(pubsub, "routed"), "urgent", record("urgent"));
  server.pubsub.subscribeToRoute(pubsub, topic(pubsub, "routed"), "others", record("others"));

  await server.pubsub.subscribe(pubsub, topic(pubsub, "retry-then-success"), record("retry-then-success", (n) => (n < 3 ? RETRY : SUCCESS)));
  await server.pubsub.subscribe(pubsub, topic(pubsub, "drop"), record("drop", () => DROP));
  await server.pubsub.subscribe(pubsub, topic(pubsub, "throws"), async (data) => {
    inbox(pubsub, "throws").push({ data });
    throw new Error("handler failure the SDK answers as SUCCESS");
  });
  await server.pubsub.subscribeWithOptions(pubsub, topic(pubsub, "drop-dlq"), {
    callback: record("drop-dlq", () => DROP),
    deadLetterTopic: topic(pubsub, "dead-letters-drop"),
  });
  await server.pubsub.subscribe(pubsub, topic(pubsub, "dead-letters-drop"), record("dead-letters-drop"));
  await server.pubsub.subscribeWithOptions(pubsub, topic(pubsub, "retry-dlq"), {
    callback: record("retry-dlq", () => RETRY),
    deadLetterTopic: topic(pubsub, "dead-letters-retry"),
  });
  await server.pubsub.subscribe(pubsub, topic(pubsub, "dead-letters-retry"), record("dead-letters-retry"));
  await server.pubsub.subscribe(pubsub, topic(pubsub, "bulk"), record("bulk"));
  // Bulk subscriptions: daprd batches the messages and the SDK answers a status per entry.
  const bulkOptions = { maxMessagesCount: 3, maxAwaitDurationMs: 300 };
  await server.pubsub.subscribeBulk(pubsub, topic(pubsub, "bulk-subscribe"), record("bulk-subscribe"), bulkOptions);
  await server.pubsub.subscribeBulk(
    pubsub,
    topic(pubsub, "bulk-subscribe-retry"),
    record("bulk-subscribe-retry", (n) => (n < 2 ? RETRY : SUCCESS)),
    bulkOptions,
  );
}

const subscriptionsPerPubSub = 12;

before(async () => {
  const { amqpUri } = infra();
  resources = new Resources()
    .rabbitPubSub("rabbit-pubsub", amqpUri)
    .inMemoryPubSub("memory-pubsub")
    .resiliency(
      "inbound-retries",
      `policies:
  retries:
    quick:
      policy: constant
      duration: 50ms
      maxRetries: ${maxRetries}
targets:
  components:
    rabbit-pubsub:
      inbound:
        retry: quick
    memory-pubsub:
      inbound:
        retry: quick
`,
    );
  subscriber = await startJsApp({
    appId: `${run}-subscriber`,
    resourcesPath: resources.path,
    setup: async (server) => {
      for (const pubsub of pubsubs) {
        await subscribeAll(server, pubsub);
      }
    },
  });
  await waitForSubscriptions(subscriber.sidecar, subscriptionsPerPubSub * pubsubs.length);
  // The in-memory broker lives inside one sidecar, so its publisher is the subscriber's own sidecar;
  // RabbitMQ is published to from a second app's sidecar.
  publisherSidecar = await startSidecar({ appId: `${run}-publisher`, resourcesPath: resources.path });
  publisher = { "rabbit-pubsub": jsClient(publisherSidecar.httpPort), "memory-pubsub": subscriber.client };
});

after(async () => {
  await publisherSidecar?.stop();
  await subscriber?.stop();
  resources?.dispose();
});

/** Asserts no further delivery arrives at `box` within quietMs. */
async function assertStaysAt(box, count) {
  await sleep(quietMs);
  assert.equal(box.items.length, count, `expected exactly ${count} deliveries, got ${JSON.stringify(box.items.map((i) => i.data))}`);
}

for (const pubsub of pubsubs) {
  describe(pubsub, () => {
    const publish = (name, data, options) => publisher[pubsub].pubsub.publish(pubsub, topic(pubsub, name), data, options);

    test("a JSON object arrives as the event data, as a CloudEvent delivery with the pub/sub name header", async () => {
      const order = { orderId: 17, lines: [{ sku: "a", qty: 2 }], note: "ünïcode" };
      assert.deepEqual(await publish("plain", order), {});
      const [delivery] = await inbox(pubsub, "plain").waitFor(1);
      assert.deepEqual(delivery.data, order);
      assert.match(delivery.headers["content-type"], /^application\/cloudevents\+json/);
      assert.equal(delivery.headers.pubsubname, pubsub);
      assert.match(delivery.headers.traceparent ?? "", /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/);
    });

    test("a string arrives as a string (text/plain data)", async () => {
      const box = inbox(pubsub, "plain");
      const before = box.items.length;
      await publish("plain", "just text");
      const deliveries = await box.waitFor(before + 1);
      assert.equal(deliveries.at(-1).data, "just text");
    });

    test("route rules pick the path by CloudEvent attributes and data, the default takes the rest", async () => {
      await publish("routed", { kind: "widget" }, { metadata: { "cloudevent.type": "widget.created" } });
      await publish("routed", { kind: "gadget", priority: 9 });
      await publish("routed", { kind: "toy", priority: 9 });
      await publish("routed", { kind: "gadget", priority: 1 });
      const [widget] = await inbox(pubsub, "widgets").waitFor(1);
      const [urgent] = await inbox(pubsub, "urgent").waitFor(1);
      const others = await inbox(pubsub, "others").waitFor(2);
      assert.deepEqual(widget.data, { kind: "widget" });
      assert.deepEqual(urgent.data, { kind: "gadget", priority: 9 });
      assert.deepEqual(others.map((o) => o.data).sort((a, b) => a.kind.localeCompare(b.kind)), [
        { kind: "gadget", priority: 1 },
        { kind: "toy", priority: 9 },
      ]);
      await assertStaysAt(inbox(pubsub, "widgets"), 1);
      assert.equal(inbox(pubsub, "urgent").items.length, 1);
      assert.equal(inbox(pubsub, "others").items.length, 2);
    });

    test("a published CloudEvent (application/cloudevents+json) keeps its own type and id for routing", async () => {
      const cloudEvent = {
        specversion: "1.0",
        id: `own-id-${pubsub}`,
        source: "conformance",
        type: "widget.created",
        datacontenttype: "application/json",
        data: { kind: "cloud-event-widget" },
      };
      await publish("routed", cloudEvent, { contentType: "application/cloudevents+json" });
      const widgets = await inbox(pubsub, "widgets").waitFor(2);
      assert.deepEqual(widgets.at(-1).data, { kind: "cloud-event-widget" });
    });

    test("metadata.rawPayload publishes the body without an envelope; a CloudEvent subscriber gets it as-is", async () => {
      const box = inbox(pubsub, "plain");
      const before = box.items.length;
      await publish("plain", { bare: "payload", n: 5 }, { metadata: { rawPayload: "true" } });
      const deliveries = await box.waitFor(before + 1);
      assert.deepEqual(deliveries.at(-1).data, { bare: "payload", n: 5 });
    });

    test("RETRY is redelivered under the inbound retry policy until the app answers SUCCESS", async () => {
      await publish("retry-then-success", { attempt: "until third" });
      const deliveries = await inbox(pubsub, "retry-then-success").waitFor(3);
      assert.ok(deliveries.every((d) => d.data.attempt === "until third"));
      await assertStaysAt(inbox(pubsub, "retry-then-success"), 3);
    });

    test("DROP is not redelivered", async () => {
      await publish("drop", { poison: true });
      await inbox(pubsub, "drop").waitFor(1);
      await assertStaysAt(inbox(pubsub, "drop"), 1);
    });

    test("a handler that throws is answered SUCCESS by the SDK and not redelivered", async () => {
      await publish("throws", { boom: 1 });
      await inbox(pubsub, "throws").waitFor(1);
      await assertStaysAt(inbox(pubsub, "throws"), 1);
    });

    test("DROP with a deadLetterTopic sends the event to the dead-letter topic, once", async () => {
      await publish("drop-dlq", { dropped: "to dlq" });
      await inbox(pubsub, "drop-dlq").waitFor(1);
      const [dead] = await inbox(pubsub, "dead-letters-drop").waitFor(1);
      assert.deepEqual(dead.data, { dropped: "to dlq" });
      await assertStaysAt(inbox(pubsub, "drop-dlq"), 1);
      assert.equal(inbox(pubsub, "dead-letters-drop").items.length, 1);
    });

    test("RETRY past the retry policy dead-letters the event after 1 + maxRetries attempts", async () => {
      await publish("retry-dlq", { retried: "then dead" });
      const [dead] = await inbox(pubsub, "dead-letters-retry").waitFor(1);
      assert.deepEqual(dead.data, { retried: "then dead" });
      await assertStaysAt(inbox(pubsub, "retry-dlq"), 1 + maxRetries);
      assert.equal(inbox(pubsub, "dead-letters-retry").items.length, 1);
    });

    test("publishBulk delivers every entry and reports no failures", async () => {
      const result = await publisher[pubsub].pubsub.publishBulk(pubsub, topic(pubsub, "bulk"), [
        { n: 1 },
        "two",
        { n: 3 },
      ]);
      assert.deepEqual(result.failedMessages, []);
      const deliveries = await inbox(pubsub, "bulk").waitFor(3);
      const data = deliveries.map((d) => d.data);
      assert.equal(data.length, 3);
      assert.deepEqual(data.filter((d) => typeof d === "object").sort((a, b) => a.n - b.n), [{ n: 1 }, { n: 3 }]);
      assert.ok(data.includes("two"));
    });

    test("subscribeBulk receives every event through daprd's bulk delivery, once", async () => {
      const result = await publisher[pubsub].pubsub.publishBulk(pubsub, topic(pubsub, "bulk-subscribe"), [{ n: 1 }, { n: 2 }, { n: 3 }]);
      assert.deepEqual(result.failedMessages, []);
      const deliveries = await inbox(pubsub, "bulk-subscribe").waitFor(3);
      assert.deepEqual(deliveries.map((d) => d.data.n).sort(), [1, 2, 3]);
      await assertStaysAt(inbox(pubsub, "bulk-subscribe"), 3);
    });

    test("subscribeBulk: an entry answered RETRY is delivered again until SUCCESS", async () => {
      await publisher[pubsub].pubsub.publish(pubsub, topic(pubsub, "bulk-subscribe-retry"), { again: true });
      const deliveries = await inbox(pubsub, "bulk-subscribe-retry").waitFor(2);
      assert.ok(deliveries.every((d) => d.data.again === true));
      await assertStaysAt(inbox(pubsub, "bulk-subscribe-retry"), 2);
    });

    test("/v1.0/metadata lists the SDK's programmatic subscriptions with rules and dead-letter topics", async () => {
      const metadata = await subscriber.client.metadata.get();
      const mine = metadata.subscriptions.filter((s) => s.pubsubname === pubsub);
      assert.equal(mine.length, subscriptionsPerPubSub);
      const routed = mine.find((s) => s.topic === topic(pubsub, "routed"));
      const prefix = `/${pubsub}--${topic(pubsub, "routed")}--`;
      assert.deepEqual(routed.rules, [
        { match: 'event.type == "widget.created"', path: `${prefix}widgets` },
        { match: "event.data.priority > 5 && event.data.kind != 'toy'", path: `${prefix}urgent` },
        { match: "", path: `${prefix}others` },
      ]);
      assert.equal(routed.type, "PROGRAMMATIC");
      const withDeadLetters = mine.find((s) => s.topic === topic(pubsub, "drop-dlq"));
      assert.equal(withDeadLetters.deadLetterTopic, topic(pubsub, "dead-letters-drop"));
    });
  });
}

test("publishing to an unknown pub/sub is 404 ERR_PUBSUB_NOT_FOUND", async () => {
  const error = sidecarError(await subscriber.client.pubsub.publish("no-such-pubsub", "t", { a: 1 }));
  assert.equal(error.status, 404);
  assert.equal(error.errorCode, "ERR_PUBSUB_NOT_FOUND");
});
