// The JavaScript "checkout" app of the interop test, on the official Dapr JS SDK. POST checkout asks the C#
// inventory app to reserve the order (service invocation), keeps the order in its own state (Redis, appid||key),
// publishes it on the orders topic (RabbitMQ) and collects the reservations the C# app announces.
import { randomUUID } from "node:crypto";
import { HttpMethod } from "@dapr/dapr";
import { appId, createServer, ordersTopic, pubsub, required, reservationsTopic, stopOnSignals } from "./env.js";

const inventoryAppId = required("INTEROP_INVENTORY_APP_ID");
const server = createServer();
const client = server.client;
const reservations = [];

await server.invoker.listen(
  "checkout",
  async ({ body }) => {
    const { item, quantity } = JSON.parse(body);
    const orderId = randomUUID();
    const reservation = await client.invoker.invoke(inventoryAppId, "reserve", HttpMethod.POST, { orderId, item, quantity });
    const saved = await client.state.save("statestore", [{ key: `checkout-${orderId}`, value: { orderId, item, quantity, reservation } }]);
    if (saved.error) {
      throw saved.error;
    }
    const published = await client.pubsub.publish(pubsub, ordersTopic, { orderId, item, quantity });
    if (published.error) {
      throw published.error;
    }
    return { orderId, checkedOutBy: appId, reservation };
  },
  { method: HttpMethod.POST },
);

await server.invoker.listen("received", async () => reservations, { method: HttpMethod.GET });

await server.pubsub.subscribe(pubsub, reservationsTopic, async (data) => {
  reservations.push(data);
});

stopOnSignals(server);
await server.start();
