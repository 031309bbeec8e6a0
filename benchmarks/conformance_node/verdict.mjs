// The verdict of a generated package's validator on one JSON text, shared by
// verdicts.mjs (a batch on stdin) and worker.mjs (one request per line).
//
// verdict({pkg, contract, text}) -> {"valid": true} or
//   {"valid": false, "errors": ["/pointer: expected ..., got ..."]} or
//   {"crash": "<what was thrown>"} when the package or validator itself fails
//   (a crash is never a verdict).
// Each package's _runtime.js is imported once; parseJson runs the same checks
// (size and depth limits, JSON.parse, the contract) as a Node service does.
import { pathToFileURL } from "node:url";
import { join } from "node:path";

const runtimes = new Map();

function describe(err) {
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

async function runtimeOf(pkg) {
  if (!runtimes.has(pkg)) {
    try {
      runtimes.set(pkg, { module: await import(pathToFileURL(join(pkg, "_runtime.js")).href) });
    } catch (err) {
      runtimes.set(pkg, { failure: describe(err) });
    }
  }
  return runtimes.get(pkg);
}

export async function verdict({ pkg, contract, text }) {
  const runtime = await runtimeOf(pkg);
  if (runtime.failure) return { crash: `import failed: ${runtime.failure}` };
  const { contract: lookup, ContractViolation } = runtime.module;
  try {
    lookup(contract).parseJson(text);
    return { valid: true };
  } catch (err) {
    if (!(err instanceof ContractViolation)) return { crash: describe(err) };
    return {
      valid: false,
      errors: err.violations.map((v) => `${v.pointer || "/"}: expected ${v.expected}, got ${v.got}`),
    };
  }
}
