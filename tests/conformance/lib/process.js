import { spawn } from "node:child_process";

const outputLines = 400;
const live = new Set();

/**
 * A child process a test owns (a sidecar, a `./dapr-dev run`): its recent output is kept for failure messages, it is
 * stopped with a signal and killed after a grace period, and it never outlives the test file.
 */
export class TestProcess {
  #lines = [];
  #exited;

  /** @param name how failure output names it, e.g. "sidecar orders" */
  constructor(name, command, args, options) {
    this.name = name;
    this.child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    this.#exited = new Promise((resolve) => this.child.once("exit", (code, signal) => resolve({ code, signal })));
    const keep = (prefix) => (chunk) => {
      this.#lines.push(...chunk.toString().split("\n").filter((line) => line.length > 0).map((line) => prefix + line));
      this.#lines.splice(0, Math.max(0, this.#lines.length - outputLines));
    };
    this.child.stdout.on("data", keep(""));
    this.child.stderr.on("data", keep("[stderr] "));
    // A test that fails before stopping its process must not keep the test file running forever: the process and
    // its pipes do not hold the event loop, and the exit handler below kills what is left.
    this.child.unref();
    this.child.stdout.unref();
    this.child.stderr.unref();
    live.add(this);
  }

  get exited() {
    return this.child.exitCode !== null || this.child.signalCode !== null;
  }

  /** How it ended, e.g. "exited with 1" or "exited with SIGKILL", for error messages. */
  get exitDescription() {
    return `exited with ${this.child.exitCode ?? this.child.signalCode}`;
  }

  /** The recent output (stderr lines prefixed "[stderr] "). */
  output() {
    return this.#lines.join("\n");
  }

  /** Resolves with { code, signal } once the process exited; rejects after `timeoutMs`. */
  waitForExit(timeoutMs = 15000) {
    return this.#untilExit(timeoutMs, () => {
      throw new Error(`${this.name} did not exit within ${timeoutMs} ms:\n${this.output()}`);
    });
  }

  /** Sends `signal`, SIGKILL after `graceMs`; resolves with { code, signal } once it exited. */
  async stop(signal, graceMs) {
    if (this.exited) {
      return this.#exited;
    }
    this.child.kill(signal);
    await this.#untilExit(graceMs, () => this.child.kill("SIGKILL"));
    return this.#exited;
  }

  // The exit, or onTimeout() after timeoutMs. The timer holds the event loop (the process does not) while waiting,
  // and is cleared as soon as the process exits, so a quick exit does not keep the test file alive either.
  async #untilExit(timeoutMs, onTimeout) {
    let timer;
    const timedOut = new Promise((resolve, reject) => {
      timer = setTimeout(() => {
        try {
          onTimeout();
          resolve(this.#exited);
        } catch (error) {
          reject(error);
        }
      }, timeoutMs);
    });
    try {
      return await Promise.race([this.#exited, timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }
}

// A test file that fails or forgets a process must leave nothing running, and its failure should show what the
// processes said.
process.on("exit", (code) => {
  const failed = code !== 0 || (process.exitCode ?? 0) !== 0;
  for (const owned of live) {
    if (!owned.exited) {
      owned.child.kill("SIGKILL");
    }
    if (failed) {
      process.stderr.write(`\n---- last output of ${owned.name} ----\n${owned.output().split("\n").slice(-80).join("\n")}\n`);
    }
  }
});
