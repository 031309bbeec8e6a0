// The verdict of a generated package's validator on one JSON text, shared by
// verdicts.mjs (a batch on stdin) and worker.mjs (one request per line).
//
// verdict({pkg, contract, text}) -> {"valid": true} or
//   {"valid": false, "errors": ["/pointer: expected ..., got ..."]} or
//   {"crash": "<what was thrown>"} when the package or validator itself fails
//   (a crash is never a verdict).
// Each package's _runtime.js is imported once; parseJson runs the same checks
// (size and depth limits, JSON.parse, the contract) as a Node service does.
// Differential: where the contract has a precompiled validator, its verdict and the
// violations the runtime reports with it must be those of Ajv alone (the runtime's
// `verdicts`); any difference is a crash, not a verdict.
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

/** Why the precompiled validator and Ajv differ on `text`, or null. */
function differs(module, contract, text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  const { precompiled, ajv, mine, theirs } = module.verdicts(contract, value);
  if (mine === null) return null;
  if (precompiled !== ajv) return `precompiled says ${precompiled}, Ajv ${ajv}`;
  const [a, b] = [JSON.stringify(mine), JSON.stringify(theirs)];
  return a === b ? null : `precompiled reports ${a}, Ajv ${b}`;
}

export async function verdict({ pkg, contract, text }) {
  const runtime = await runtimeOf(pkg);
  if (runtime.failure) return { crash: `import failed: ${runtime.failure}` };
  try {
    const why = differs(runtime.module, contract, text);
    if (why !== null) return { crash: `precompiled validator differs from Ajv: ${why}` };
  } catch (err) {
    return { crash: describe(err) };
  }
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
