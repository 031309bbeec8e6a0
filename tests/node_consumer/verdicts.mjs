// Test helper: verdicts of a generated package's validators for many samples.
// usage: node verdicts.mjs <generated ts folder>  (stdin: [{contract, data}])
import { pathToFileURL } from "node:url";
import { join } from "node:path";

const [pkg] = process.argv.slice(2);
const { contract, ContractViolation } = await import(
  pathToFileURL(join(pkg, "_runtime.js")).href
);
const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const samples = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const out = samples.map(({ contract: id, data }) => {
  try {
    contract(id).parse(data);
    return { valid: true, errors: [] };
  } catch (err) {
    if (!(err instanceof ContractViolation)) throw err;
    return { valid: false, errors: err.violations };
  }
});
process.stdout.write(JSON.stringify(out));
