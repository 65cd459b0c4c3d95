import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./ports.js";
import { TestProcess } from "./process.js";
import { sleep } from "./wait.js";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/**
 * The sidecar build output; ./test.sh points DAPRPLATFORM_SIDECAR at the published NativeAOT daprd, as for the .NET
 * tests. A daprd.dll (a plain build) runs on the dotnet host.
 */
export const sidecarPath =
  process.env.DAPRPLATFORM_SIDECAR ??
  path.join(repoRoot, "sidecar", "DaprPlatform.Sidecar", "bin", "Release", "net10.0", "daprd.dll");
const runsOnDotnetHost = sidecarPath.toLowerCase().endsWith(".dll");

// .NET runtime settings every sidecar starts with unless set, as ./dapr-dev starts them
// (cli/DaprPlatform.Cli/Launch/SidecarRuntimeTuning.cs says why).
const runtimeTuning = { DOTNET_GCgen0size: "100000" };

// Sidecars register their apps for name resolution under DAPR_DEV_HOME; ./test.sh gives the run one of its own.
// Run alone, this process gets a private one, never the developer's ~/.dapr-dev.
if (!process.env.DAPR_DEV_HOME) {
  process.env.DAPR_DEV_HOME = mkdtempSync(path.join(os.tmpdir(), "daprplatform-conformance-home-"));
}

/**
 * Our daprd-compatible sidecar as a real process (daprd with daprd's flags, free ports), ready
 * (GET /v1.0/healthz/outbound answered 204) when the promise resolves.
 */
export async function startSidecar({
  appId,
  appPort,
  resourcesPath,
  env = {},
  args = [],
  httpPort,
  startupTimeoutMs = 30000,
}) {
  if (!existsSync(sidecarPath)) {
    throw new Error(`the sidecar is not built at ${sidecarPath}; run ./dapr-dev build, or dotnet build sidecar/DaprPlatform.Sidecar -c Release`);
  }
  const ports = {
    httpPort: httpPort ?? (await freePort()),
    grpcPort: await freePort(),
    internalPort: await freePort(),
    metricsPort: await freePort(),
  };
  const argv = [
    ...(runsOnDotnetHost ? [sidecarPath] : []),
    "--app-id", appId,
    "--dapr-http-port", String(ports.httpPort),
    "--dapr-grpc-port", String(ports.grpcPort),
    "--dapr-internal-grpc-port", String(ports.internalPort),
    "--metrics-port", String(ports.metricsPort),
  ];
  if (appPort) {
    argv.push("--app-port", String(appPort));
  }
  if (resourcesPath) {
    argv.push("--resources-path", resourcesPath);
  }
  argv.push(...args);

  const sidecar = new Sidecar(appId, argv, { ...runtimeTuning, ...process.env, ...env }, ports);
  try {
    await sidecar.waitUntilReady(startupTimeoutMs);
  } catch (error) {
    await sidecar.stop();
    throw error;
  }
  return sidecar;
}

/** A running sidecar: its ports, its HTTP API address and the process. */
export class Sidecar extends TestProcess {
  constructor(appId, argv, env, ports) {
    super(`sidecar ${appId}`, runsOnDotnetHost ? "dotnet" : sidecarPath, argv, { env });
    this.appId = appId;
    Object.assign(this, ports);
    this.url = `http://127.0.0.1:${ports.httpPort}`;
  }

  /** A fetch against the sidecar's HTTP API, e.g. `sidecar.fetch("/v1.0/metadata")`. */
  fetch(pathAndQuery, init) {
    return fetch(this.url + pathAndQuery, init);
  }

  async waitUntilReady(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) {
        throw new Error(`${this.name} ${this.exitDescription} before it was ready:\n${this.output()}`);
      }
      try {
        const response = await fetch(`${this.url}/v1.0/healthz/outbound`, { signal: AbortSignal.timeout(2000) });
        if (response.status === 204) {
          return;
        }
      } catch {
        // Not listening yet.
      }
      await sleep(100);
    }
    throw new Error(`${this.name} did not answer /v1.0/healthz/outbound with 204 within ${timeoutMs} ms:\n${this.output()}`);
  }

  /** SIGTERM (as the CLI stops daprd), SIGKILL after `graceMs`. */
  stop(graceMs = 10000) {
    return super.stop("SIGTERM", graceMs);
  }
}
