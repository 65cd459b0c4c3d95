import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

// JSON strings are valid YAML double-quoted scalars, so no value can break the document.
const scalar = (value) => JSON.stringify(String(value));

/**
 * A temporary --resources-path folder filled with the components a test needs (Redis, RabbitMQ, in-memory, local
 * secrets). The same YAML real daprd reads.
 */
export class Resources {
  constructor() {
    this.root = mkdtempSync(path.join(os.tmpdir(), "daprplatform-conformance-"));
    this.path = path.join(this.root, "resources");
    mkdirSync(this.path);
  }

  component(name, type, metadata = {}, { version = "v1", scopes } = {}) {
    const lines = [
      "apiVersion: dapr.io/v1alpha1",
      "kind: Component",
      "metadata:",
      `  name: ${scalar(name)}`,
      "spec:",
      `  type: ${scalar(type)}`,
      `  version: ${scalar(version)}`,
    ];
    const entries = Object.entries(metadata);
    if (entries.length > 0) {
      lines.push("  metadata:");
      for (const [key, value] of entries) {
        lines.push(`  - name: ${scalar(key)}`, `    value: ${scalar(value)}`);
      }
    }
    appendScopes(lines, scopes);
    return this.file(`${name}.yaml`, lines.join("\n") + "\n");
  }

  redisState(name, redisHost, metadata = {}) {
    return this.component(name, "state.redis", { redisHost, redisPassword: "", ...metadata });
  }

  rabbitPubSub(name, connectionString, metadata = {}) {
    return this.component(name, "pubsub.rabbitmq", { connectionString, ...metadata });
  }

  inMemoryState(name, metadata = {}) {
    return this.component(name, "state.in-memory", metadata);
  }

  inMemoryPubSub(name, metadata = {}) {
    return this.component(name, "pubsub.in-memory", metadata);
  }

  /** secretstores.local.file over a JSON document written next to (not inside) the resources folder. */
  localFileSecrets(name, secrets, metadata = {}) {
    const secretsFile = path.join(this.root, `${name}-secrets.json`);
    writeFileSync(secretsFile, JSON.stringify(secrets, null, 2));
    return this.component(name, "secretstores.local.file", { secretsFile, ...metadata });
  }

  /** A Resiliency resource (dapr.io/v1alpha1), given as YAML for its spec. */
  resiliency(name, specYaml) {
    const body = ["apiVersion: dapr.io/v1alpha1", "kind: Resiliency", "metadata:", `  name: ${scalar(name)}`, "spec:"];
    body.push(...specYaml.trimEnd().split("\n").map((line) => `  ${line}`));
    return this.file(`${name}.yaml`, body.join("\n") + "\n");
  }

  file(fileName, content) {
    writeFileSync(path.join(this.path, fileName), content);
    return this;
  }

  dispose() {
    rmSync(this.root, { recursive: true, force: true });
  }
}

function appendScopes(lines, scopes) {
  if (scopes?.length) {
    lines.push("scopes:", ...scopes.map((scope) => `- ${scalar(scope)}`));
  }
}
