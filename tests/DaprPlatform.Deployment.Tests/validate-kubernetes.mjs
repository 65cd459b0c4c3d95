// Validates Kubernetes documents against the API schemas in the kubernetes-models package (types, required fields,
// enums). Reads a JSON array of documents on stdin; prints one line per problem, "<index> <kind>/<name>: <error>",
// and exits 1 when there was any. A kind the package does not know is a problem too: nothing would have checked it.
import { readFileSync } from "node:fs";

const documents = JSON.parse(readFileSync(0, "utf8"));
const problems = [];

for (const [index, doc] of documents.entries()) {
  const where = `${index} ${doc?.kind}/${doc?.metadata?.name}`;
  const [group, version] = String(doc?.apiVersion ?? "").includes("/")
    ? doc.apiVersion.split("/")
    : ["", doc?.apiVersion];
  const modulePath = group ? `kubernetes-models/${group}/${version}/${doc?.kind}` : `kubernetes-models/${version}/${doc?.kind}`;

  let Model;
  try {
    Model = (await import(modulePath))[doc.kind];
  } catch {
    problems.push(`${where}: kubernetes-models has no ${doc?.apiVersion} ${doc?.kind}`);
    continue;
  }

  try {
    new Model(doc).validate();
  } catch (error) {
    const details = Array.isArray(error?.errors)
      ? error.errors.map(e => `${e.instancePath || "/"} ${e.message}${e.params ? " " + JSON.stringify(e.params) : ""}`)
      : [String(error?.message ?? error)];
    for (const detail of details) {
      problems.push(`${where}: ${detail}`);
    }
  }
}

for (const problem of problems) {
  console.log(problem);
}
process.exitCode = problems.length > 0 ? 1 : 0;
