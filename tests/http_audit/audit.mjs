// Runs the GraphQL-over-HTTP audit suite of the `graphql-http` package (a devDependency of
// web/) against a live API, and prints one JSON line per audit: {id, name, status, reason}.
// Usage: node tests/http_audit/audit.mjs http://127.0.0.1:8000/graphql
import { createRequire } from "node:module";

const require = createRequire(new URL("../../web/package.json", import.meta.url));
const { serverAudits } = require("graphql-http");

const url = process.argv[2];
const results = [];
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  results.push({
    id: result.id,
    name: result.name,
    status: result.status,
    reason: result.status === "ok" ? null : result.reason,
  });
}
process.stdout.write(JSON.stringify(results) + "\n");
