import { CommunicationProtocolEnum, DaprClient, DaprServer, LogLevel } from "@dapr/dapr";
import { freePort } from "./ports.js";
import { startSidecar } from "./sidecar.js";
import { waitFor } from "./wait.js";

// The SDK logs at Error every call a test makes fail on purpose (etag conflicts, unknown stores...); its log is
// shown only with CONFORMANCE_SDK_LOGS=1. Exported for SDK objects the tests build themselves (workflow clients...). Test failures carry their own messages and the sidecars' output.
const verbose = process.env.CONFORMANCE_SDK_LOGS === "1";
const write = (...args) => verbose && console.error(...args);
export const logger = {
  level: verbose ? LogLevel.Debug : LogLevel.Error,
  service: { error: write, warn: write, info: write, verbose: write, debug: write },
};

/** A DaprClient of the official JS SDK talking HTTP to the sidecar on `daprPort`. */
export function jsClient(daprPort) {
  return new DaprClient({
    daprHost: "127.0.0.1",
    daprPort: String(daprPort),
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    logger,
  });
}

/**
 * A JS app on the official SDK (DaprServer over HTTP) and its sidecar. `setup(server)` registers subscriptions and
 * methods before the app listens, as an app does before `server.start()`; the sidecar reads /dapr/subscribe once
 * the app port answers. Returns { server, client, sidecar, appPort, stop }.
 */
export async function startJsApp({ appId, resourcesPath, setup = async () => {}, env, args }) {
  const appPort = await freePort();
  const daprPort = await freePort();
  const server = new DaprServer({
    serverHost: "127.0.0.1",
    serverPort: String(appPort),
    communicationProtocol: CommunicationProtocolEnum.HTTP,
    clientOptions: { daprHost: "127.0.0.1", daprPort: String(daprPort), communicationProtocol: CommunicationProtocolEnum.HTTP },
    logger,
  });
  await setup(server);
  // DaprServer.start() listens first, then waits for its sidecar (GET /v1.0/metadata), so both start together.
  const serverStarted = server.start();
  let sidecar;
  try {
    sidecar = await startSidecar({ appId, appPort, resourcesPath, env, args, httpPort: daprPort });
    await serverStarted;
  } catch (error) {
    // The server's own wait for its sidecar would otherwise fail later, outside any test.
    serverStarted.catch(() => {});
    await sidecar?.stop();
    await server.stop().catch(() => {});
    throw error;
  }
  const client = jsClient(daprPort);
  return {
    appId,
    appPort,
    server,
    client,
    sidecar,
    async stop() {
      await sidecar.stop();
      await server.stop();
    },
  };
}

/** Waits until the sidecar lists `count` subscriptions in /v1.0/metadata (it reads them after the app is up). */
export async function waitForSubscriptions(sidecar, count, timeoutMs = 20000) {
  return waitFor(
    async () => {
      const metadata = await (await sidecar.fetch("/v1.0/metadata")).json();
      return (metadata.subscriptions?.length ?? 0) >= count ? metadata.subscriptions : null;
    },
    { timeoutMs, what: `${count} subscription(s) on sidecar ${sidecar.appId}` },
  );
}

/** A unique name for app ids, topics and keys, so runs and tests never share broker or store objects. */
export function uniqueName(prefix) {
  return `${prefix}-${Math.random().toString(16).slice(2, 10)}`;
}
