import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "./ports.js";
import { TestProcess } from "./process.js";
import { repoRoot } from "./sidecar.js";
import { waitFor } from "./wait.js";

const run = promisify(execFile);
const daprDev = path.join(repoRoot, "dapr-dev");

/**
 * Makes sure ./dapr-dev has built the CLI and the sidecar (it builds once into .artifacts, under a lock), so apps
 * started afterwards do not each wait for that build.
 */
export async function buildDaprDev() {
  await run(daprDev, ["--help"], { cwd: repoRoot, timeout: 15 * 60 * 1000, maxBuffer: 16 * 1024 * 1024 });
}

/** `dotnet build` of a C# app into <repo>/.artifacts (under ./dapr-dev's build lock); returns its dll. */
export async function buildDotnetApp(projectPath, assemblyName) {
  const artifacts = path.join(repoRoot, ".artifacts");
  await run(
    "flock",
    [path.join(artifacts, "dapr-dev.build.lock"), "dotnet", "build", projectPath, "-c", "Release", "--artifacts-path", artifacts, "-nologo", "-v", "q", "-clp:ErrorsOnly"],
    { cwd: repoRoot, timeout: 15 * 60 * 1000, maxBuffer: 16 * 1024 * 1024 },
  );
  return path.join(artifacts, "bin", assemblyName, "release", `${assemblyName}.dll`);
}

/**
 * `./dapr-dev run --app-id ID --app-port N --dapr-http-port N --resources-path DIR -- COMMAND`, as a developer
 * starts an app: the CLI launches our sidecar, then the app with APP_ID/APP_PORT/DAPR_HTTP_PORT. Resolves once the
 * sidecar reports the app ready (GET /v1.0/healthz answers 204).
 */
// ./dapr-dev rebuilds first whenever sidecar/ or cli/ changed since its last build (and waits for the build lock
// while another one builds), so starting may take minutes on a 2-core machine.
export async function daprDevRun({ appId, resourcesPath, command, env = {}, cwd = repoRoot, timeoutMs = 10 * 60 * 1000 }) {
  const appPort = await freePort();
  const daprHttpPort = await freePort();
  const args = [
    "run",
    "--app-id", appId,
    "--app-port", String(appPort),
    "--dapr-http-port", String(daprHttpPort),
    "--resources-path", resourcesPath,
    "--", ...command,
  ];
  const app = new DaprDevApp(appId, args, { cwd, env: { ...process.env, ...env } }, appPort, daprHttpPort);
  try {
    await waitFor(
      async () => {
        if (app.exited) {
          throw new Error(`${app.name} ${app.exitDescription}`);
        }
        return (await fetch(`${app.daprUrl}/v1.0/healthz`, { signal: AbortSignal.timeout(2000) })).status === 204;
      },
      { timeoutMs, intervalMs: 250, what: `app ${appId} started by ./dapr-dev run` },
    );
  } catch (error) {
    await app.stop();
    throw new Error(`${error.message}\n${app.output()}`);
  }
  return app;
}

/** A `./dapr-dev run` in progress: the app's ports and the CLI process. */
export class DaprDevApp extends TestProcess {
  constructor(appId, args, options, appPort, daprHttpPort) {
    super(`./dapr-dev run --app-id ${appId}`, daprDev, args, options);
    this.appId = appId;
    this.appPort = appPort;
    this.daprHttpPort = daprHttpPort;
    this.daprUrl = `http://127.0.0.1:${daprHttpPort}`;
  }

  /** Ctrl+C as a developer would (the CLI stops the app, then the sidecar); SIGKILL after `graceMs`. */
  stop(graceMs = 20000) {
    return super.stop("SIGINT", graceMs);
  }
}
