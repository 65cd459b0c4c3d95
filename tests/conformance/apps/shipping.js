// The JavaScript "shipping" app of the interop test, on the official Dapr JS SDK. The C# inventory app invokes
// "quote"; "shared" reads a key the C# app wrote to the shared state store; it also subscribes to the orders topic.
import { HttpMethod } from "@dapr/dapr";
import { appId, createServer, ordersTopic, pubsub, required, stopOnSignals } from "./env.js";

const sharedStore = required("INTEROP_SHARED_STORE");
const server = createServer();
const client = server.client;
const orders = [];

await server.invoker.listen(
  "quote",
  async ({ body }) => {
    const { quantity } = JSON.parse(body);
    return { cost: quantity * 2.5, quotedBy: appId };
  },
  { method: HttpMethod.POST },
);

await server.invoker.listen(
  "shared",
  async ({ query }) => {
    const key = new URL(query, "http://app").searchParams.get("key");
    return { key, value: await client.state.get(sharedStore, key) };
  },
  { method: HttpMethod.GET },
);

await server.invoker.listen("received", async () => orders, { method: HttpMethod.GET });

await server.pubsub.subscribe(pubsub, ordersTopic, async (data, headers) => {
  orders.push({ data, pubsubname: headers.pubsubname });
});

stopOnSignals(server);
await server.start();
