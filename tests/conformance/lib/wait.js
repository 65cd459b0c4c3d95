import { setTimeout as sleep } from "node:timers/promises";

/** Polls `probe` until it returns a truthy value (which is returned) or `timeoutMs` passes. */
export async function waitFor(probe, { timeoutMs = 15000, intervalMs = 100, what = "condition" } = {}) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const value = await probe();
      if (value) {
        return value;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const cause = lastError ? ` (last error: ${lastError.message ?? lastError})` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await sleep(intervalMs);
  }
}

/** Collects values pushed by a callback (e.g. events delivered to a subscriber) and waits for them. */
export class Inbox {
  items = [];
  #waiters = [];

  push(item) {
    this.items.push(item);
    for (const waiter of [...this.#waiters]) {
      if (this.items.length >= waiter.count) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(this.items.slice(0, waiter.count));
      }
    }
  }

  /** Resolves with the first `count` items once that many arrived. */
  waitFor(count = 1, timeoutMs = 15000) {
    if (this.items.length >= count) {
      return Promise.resolve(this.items.slice(0, count));
    }
    return new Promise((resolve, reject) => {
      const waiter = { count, resolve };
      this.#waiters.push(waiter);
      setTimeout(() => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) {
          this.#waiters.splice(index, 1);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${count} item(s); got ${this.items.length}: ${JSON.stringify(this.items)}`));
        }
      }, timeoutMs).unref();
    });
  }
}

export { sleep };
