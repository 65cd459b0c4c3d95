// State management through the official JS SDK (client.state.*) against our sidecar, on state.redis (a real Redis
// server) and state.in-memory: values, bulk reads, transactions, ETag concurrency, TTL and daprd's error codes.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { StateConcurrencyEnum } from "@dapr/dapr";
import { createClient } from "redis";
import { jsClient, uniqueName } from "../lib/apps.js";
import { rejection, sidecarError } from "../lib/errors.js";
import { infra } from "../lib/infra.js";
import { Resources } from "../lib/resources.js";
import { startSidecar } from "../lib/sidecar.js";
import { sleep, waitFor } from "../lib/wait.js";

const appId = uniqueName("conformance-state");
const stores = ["redis-store", "memory-store"];
let resources;
let sidecar;
let client;
let redis;

before(async () => {
  const { redisHost, redisUrl } = infra();
  resources = new Resources().redisState("redis-store", redisHost).inMemoryState("memory-store");
  sidecar = await startSidecar({ appId, resourcesPath: resources.path });
  client = jsClient(sidecar.httpPort);
  redis = await createClient({ url: redisUrl }).connect();
});

after(async () => {
  await sidecar?.stop();
  await redis?.quit();
  resources?.dispose();
});

/** The ETag of `key` as daprd reports it (client.state.get returns only the value; getBulk has the etag). */
async function etagOf(store, key) {
  const [item] = await client.state.getBulk(store, [key]);
  assert.equal(item.key, key);
  return item.etag;
}

for (const store of stores) {
  describe(store, () => {
    test("save then get returns JSON objects, strings and numbers as saved", async () => {
      const order = { id: 7, items: ["a", "b"], paid: true, nested: { total: 12.5 } };
      const result = await client.state.save(store, [
        { key: "order", value: order },
        { key: "greeting", value: "hello" },
        { key: "count", value: 42 },
      ]);
      assert.deepEqual(result, {});
      assert.deepEqual(await client.state.get(store, "order"), order);
      assert.equal(await client.state.get(store, "greeting"), "hello");
      assert.equal(await client.state.get(store, "count"), 42);
    });

    test("a missing key reads as empty (daprd answers 204)", async () => {
      assert.equal(await client.state.get(store, uniqueName("missing")), "");
    });

    test("delete removes the key", async () => {
      await client.state.save(store, [{ key: "doomed", value: { x: 1 } }]);
      assert.deepEqual(await client.state.delete(store, "doomed"), {});
      assert.equal(await client.state.get(store, "doomed"), "");
    });

    test("getBulk returns data and etag per key, and only the key for a missing one", async () => {
      await client.state.save(store, [
        { key: "bulk-1", value: { n: 1 } },
        { key: "bulk-2", value: "two" },
      ]);
      const items = await client.state.getBulk(store, ["bulk-1", "bulk-2", "bulk-missing"]);
      const byKey = Object.fromEntries(items.map((item) => [item.key, item]));
      assert.deepEqual(Object.keys(byKey).sort(), ["bulk-1", "bulk-2", "bulk-missing"]);
      assert.deepEqual(byKey["bulk-1"].data, { n: 1 });
      assert.equal(byKey["bulk-2"].data, "two");
      assert.equal(typeof byKey["bulk-1"].etag, "string");
      assert.ok(byKey["bulk-1"].etag.length > 0);
      assert.deepEqual(byKey["bulk-missing"], { key: "bulk-missing" });
    });

    test("a transaction applies upserts and deletes together", async () => {
      await client.state.save(store, [{ key: "tx-old", value: "old" }]);
      await client.state.transaction(store, [
        { operation: "upsert", request: { key: "tx-a", value: { a: 1 } } },
        { operation: "upsert", request: { key: "tx-b", value: "b" } },
        { operation: "delete", request: { key: "tx-old" } },
      ]);
      assert.deepEqual(await client.state.get(store, "tx-a"), { a: 1 });
      assert.equal(await client.state.get(store, "tx-b"), "b");
      assert.equal(await client.state.get(store, "tx-old"), "");
    });

    test("a transaction with a stale etag fails as a whole (500 ERR_STATE_TRANSACTION) and changes nothing", async () => {
      await client.state.save(store, [{ key: "tx-guarded", value: "v1" }]);
      const stale = await etagOf(store, "tx-guarded");
      await client.state.save(store, [{ key: "tx-guarded", value: "v2" }]);
      const error = await rejection(
        client.state.transaction(store, [
          { operation: "upsert", request: { key: "tx-side", value: "should not exist" } },
          { operation: "upsert", request: { key: "tx-guarded", value: "v3", etag: stale } },
        ]),
      );
      assert.equal(error.status, 500);
      assert.equal(error.errorCode, "ERR_STATE_TRANSACTION");
      assert.equal(await client.state.get(store, "tx-guarded"), "v2");
      assert.equal(await client.state.get(store, "tx-side"), "");
    });

    test("saving with the current etag succeeds, with a stale one fails with 409 ERR_STATE_SAVE", async () => {
      await client.state.save(store, [{ key: "guarded", value: "v1" }]);
      const first = await etagOf(store, "guarded");
      const firstWrite = { concurrency: StateConcurrencyEnum.CONCURRENCY_FIRST_WRITE };
      assert.deepEqual(await client.state.save(store, [{ key: "guarded", value: "v2", etag: first, options: firstWrite }]), {});
      const second = await etagOf(store, "guarded");
      assert.notEqual(second, first);

      const error = sidecarError(await client.state.save(store, [{ key: "guarded", value: "v3", etag: first, options: firstWrite }]));
      assert.equal(error.status, 409);
      assert.equal(error.errorCode, "ERR_STATE_SAVE");
      assert.match(error.message, /etag mismatch/);
      assert.equal(await client.state.get(store, "guarded"), "v2");
    });

    test("deleting with a stale etag fails with 409 ERR_STATE_DELETE, with the current one succeeds", async () => {
      await client.state.save(store, [{ key: "guarded-delete", value: "v1" }]);
      const stale = await etagOf(store, "guarded-delete");
      await client.state.save(store, [{ key: "guarded-delete", value: "v2" }]);
      const error = sidecarError(await client.state.delete(store, "guarded-delete", { etag: stale }));
      assert.equal(error.status, 409);
      assert.equal(error.errorCode, "ERR_STATE_DELETE");
      assert.equal(await client.state.get(store, "guarded-delete"), "v2");

      const current = await etagOf(store, "guarded-delete");
      assert.deepEqual(await client.state.delete(store, "guarded-delete", { etag: current }), {});
      assert.equal(await client.state.get(store, "guarded-delete"), "");
    });

    test("metadata.ttlInSeconds expires the key", async () => {
      await client.state.save(store, [{ key: "short-lived", value: "soon gone" }], { metadata: { ttlInSeconds: "1" } });
      assert.equal(await client.state.get(store, "short-lived"), "soon gone");
      await sleep(1000);
      await waitFor(async () => (await client.state.get(store, "short-lived")) === "", {
        timeoutMs: 5000,
        what: "the key to expire",
      });
    });

    test("a key containing || is rejected with 400 ERR_MALFORMED_REQUEST", async () => {
      const error = await rejection(client.state.get(store, "bad||key"));
      assert.equal(error.status, 400);
      assert.equal(error.errorCode, "ERR_MALFORMED_REQUEST");
    });
  });
}

test("an unknown store is 400 ERR_STATE_STORE_NOT_FOUND", async () => {
  const error = await rejection(client.state.get("no-such-store", "k"));
  assert.equal(error.status, 400);
  assert.equal(error.errorCode, "ERR_STATE_STORE_NOT_FOUND");
});

test("state.redis keeps daprd's layout: a hash at appid||key with data and version", async () => {
  await client.state.save("redis-store", [{ key: "layout", value: { shape: "dapr" } }]);
  const redisKey = `${appId}||layout`;
  assert.equal(await redis.type(redisKey), "hash");
  const hash = await redis.hGetAll(redisKey);
  assert.deepEqual(Object.keys(hash).sort(), ["data", "version"]);
  assert.deepEqual(JSON.parse(hash.data), { shape: "dapr" });
  assert.equal(hash.version, await etagOf("redis-store", "layout"));
});
