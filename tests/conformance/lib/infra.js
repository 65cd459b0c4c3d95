// Where the real Redis and RabbitMQ of this test run listen. ./test.sh starts them once (infra/start.sh) and
// exports the DAPRPLATFORM_* variables; to run `npm test` alone, start them yourself and source their infra.env:
//   infra/start.sh /tmp/infra && source /tmp/infra/infra.env && (cd tests/conformance && npm test)
import { readFileSync } from "node:fs";
import path from "node:path";

const required = ["DAPRPLATFORM_REDIS_HOST", "DAPRPLATFORM_AMQP_URI"];

export function infra() {
  const missing = required.filter((name) => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(", ")} not set: run ./test.sh, or start the servers with infra/start.sh <dir> ` +
        "and `source <dir>/infra.env` before `npm test`.",
    );
  }
  const redisHost = process.env.DAPRPLATFORM_REDIS_HOST;
  return {
    redisHost,
    redisUrl: `redis://${redisHost}`,
    amqpUri: process.env.DAPRPLATFORM_AMQP_URI,
    infraDir: process.env.DAPRPLATFORM_INFRA_DIR,
  };
}

/**
 * rabbitmqctl against the test broker: start.sh gives it a private node name, epmd port and Erlang cookie, all
 * kept in <infra dir>/rabbitmq.
 */
export function rabbitmqctlArgs() {
  const dir = infra().infraDir;
  if (!dir) {
    throw new Error("DAPRPLATFORM_INFRA_DIR is not set (it comes from the infra.env that infra/start.sh writes)");
  }
  const rabbit = path.join(dir, "rabbitmq");
  const read = (file) => readFileSync(path.join(rabbit, file), "utf8").trim();
  return {
    env: { ...process.env, ERL_EPMD_PORT: read("epmd.port") },
    args: ["-n", read("nodename"), "--erlang-cookie", read(path.join("home", ".erlang.cookie"))],
  };
}
