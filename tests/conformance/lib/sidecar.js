import { spawn } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "./ports.js";
import { sleep } from "./wait.js";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

/** The daprd.dll ./test.sh builds (Release); DAPRPLATFORM_SIDECAR_DLL overrides it, as for the .NET tests. */
export const sidecarDll =
  process.env.DAPRPLATFORM_SIDECAR_DLL ??
  path.join(repoRoot, "sidecar", "DaprPlatform.Sidecar", "bin", "Release", "net10.0", "daprd.dll");

// Sidecars register their apps for name resolution under DAPR_DEV_HOME; ./test.sh gives the run one of its own.
// Run alone, this process gets a private one, never the developer's ~/.dapr-dev.
if (!process.env.DAPR_DEV_HOME) {
  process.env.DAPR_DEV_HOME = mkdtempSync(path.join(os.tmpdir(), "daprplatform-conformance-home-"));
}

const outputLines = 400;
const started = new Set();

/**
 * Our daprd-compatible sidecar as a real process (`dotnet daprd.dll` with daprd's flags, free ports), ready
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
  if (!existsSync(sidecarDll)) {
    throw new Error(`the sidecar is not built at ${sidecarDll}; run dotnet build sidecar/DaprPlatform.Sidecar -c Release`);
  }
  const ports = {
    httpPort: httpPort ?? (await freePort()),
    grpcPort: await freePort(),
    internalPort: await freePort(),
    metricsPort: await freePort(),
  };
  const argv = [
    sidecarDll,
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

  const child = spawn("dotnet", argv, {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const sidecar = new Sidecar(appId, child, ports);
  started.add(sidecar);
  try {
    await sidecar.waitUntilReady(startupTimeoutMs);
  } catch (error) {
    await sidecar.stop();
    throw error;
  }
  return sidecar;
}

export class Sidecar {
  #lines = [];
  #exited;

  constructor(appId, child, ports) {
    this.appId = appId;
    this.child = child;
    Object.assign(this, ports);
    this.url = `http://127.0.0.1:${ports.httpPort}`;
    this.#exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    const keep = (prefix) => (chunk) => {
      for (const line of chunk.toString().split("\n")) {
        if (line.length > 0) {
          this.#lines.push(prefix + line);
        }
      }
      if (this.#lines.length > outputLines) {
        this.#lines.splice(0, this.#lines.length - outputLines);
      }
    };
    child.stdout.on("data", keep(""));
    child.stderr.on("data", keep("[stderr] "));
  }

  get exited() {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** Resolves with { code, signal } once the process exited; rejects after `timeoutMs`. */
  async waitForExit(timeoutMs = 15000) {
    const timeout = sleep(timeoutMs, undefined, { ref: false }).then(() => {
      throw new Error(`sidecar ${this.appId} did not exit within ${timeoutMs} ms:\n${this.output()}`);
    });
    return Promise.race([this.#exited, timeout]);
  }

  /** The sidecar's recent output. */
  output() {
    return this.#lines.join("\n");
  }

  /** A fetch against the sidecar's HTTP API, e.g. `sidecar.fetch("/v1.0/metadata")`. */
  fetch(pathAndQuery, init) {
    return fetch(this.url + pathAndQuery, init);
  }

  async waitUntilReady(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (this.exited) {
        throw new Error(`sidecar ${this.appId} exited with ${this.child.exitCode ?? this.child.signalCode} before it was ready:\n${this.output()}`);
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
    throw new Error(`sidecar ${this.appId} did not answer /v1.0/healthz/outbound with 204 within ${timeoutMs} ms:\n${this.output()}`);
  }

  /** SIGTERM (as the CLI stops daprd), SIGKILL after `graceMs`. */
  async stop(graceMs = 10000) {
    if (!this.exited) {
      this.child.kill("SIGTERM");
      // Unreferenced: a sidecar that stopped in time must not keep the test process alive for the grace period.
      const killed = sleep(graceMs, undefined, { ref: false }).then(() => {
        if (!this.exited) {
          this.child.kill("SIGKILL");
        }
      });
      await Promise.race([this.#exited, killed]);
      await this.#exited;
    }
  }
}

// A test file that fails or forgets a sidecar must leave nothing running, and its failure should show what the
// sidecars said.
process.on("exit", (code) => {
  const failed = code !== 0 || (process.exitCode ?? 0) !== 0;
  for (const sidecar of started) {
    if (!sidecar.exited) {
      sidecar.child.kill("SIGKILL");
    }
    if (failed) {
      process.stderr.write(`\n---- last output of sidecar ${sidecar.appId} ----\n${sidecar.output().split("\n").slice(-80).join("\n")}\n`);
    }
  }
});
