// What `./dapr-dev run` hands an app (APP_ID, APP_PORT, DAPR_HTTP_PORT) plus the interop test's INTEROP_* names.
import { CommunicationProtocolEnum, DaprServer, LogLevel } from "@dapr/dapr";

export function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set; start this app with ./dapr-dev run as test/interop.test.js does`);
  }
  return value;
}

export const appId = required("APP_ID");
export const pubsub = required("INTEROP_PUBSUB");
export const ordersTopic = required("INTEROP_ORDERS_TOPIC");
export const reservationsTopic = required("INTEROP_RESERVATIONS_TOPIC");

/** The app's DaprServer on APP_PORT, talking HTTP to its sidecar on DAPR_HTTP_PORT. */
export function createServer() {
  return new DaprServer({
    serverHost: "127.0.0.1",
    serverPort: required("APP_PORT"),
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    clientOptions: {
      daprHost: "127.0.0.1",
      daprPort: required("DAPR_HTTP_PORT"),
      communicationProtocol: CommunicationProtocolEnum.HTTP,
    },
    logger: { level: LogLevel.Warn },
  });
}

/** Stops the server on SIGTERM/SIGINT (what the CLI sends the app first), then exits. */
export function stopOnSignals(server) {
  for (const signal of ["SIGTERM", "SIGINT"]) {
    process.once(signal, async () => {
      await server.stop();
      process.exit(0);
    });
  }
}
