// Times a generated npm package's validator on a corpus, as a Node service runs it.
//
// usage: node timing.mjs <generated ts folder> <documents.json> <rounds>
// documents.json: a JSON array of [contract, JSON text] pairs. Prints one JSON line:
// {"import_ms", "first_ms", "import_cpu_ms", "first_cpu_ms", "rounds_ms": [[ms on invalid, ms on valid] per round],
//  "valid": [bool per document]}
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";

const [pkg, documentsFile, roundsText] = process.argv.slice(2);
const pairs = JSON.parse(readFileSync(documentsFile, "utf8"));
const texts = pairs.map(([, text]) => text);
const rounds = Number(roundsText);

// CPU time (user + system) in ms since `since`, as Python's time.process_time.
const cpuMs = (since) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
let started = performance.now();
let cpu = process.cpuUsage();
const runtime = await import(pathToFileURL(join(pkg, "_runtime.js")).href);
const importMs = performance.now() - started;
const importCpuMs = cpuMs(cpu);

const verdict = (validator, text) => {
  try {
    validator.parseJson(text);
    return true;
  } catch (err) {
    if (!(err instanceof runtime.ContractViolation)) throw err;
    return false;
  }
};

const made = new Map();
const validatorOf = (name) => {
  if (!made.has(name)) made.set(name, runtime.contract(name));
  return made.get(name);
};
started = performance.now();
cpu = process.cpuUsage();
verdict(validatorOf(pairs[0][0]), texts[0]);
const firstMs = performance.now() - started;
const firstCpuMs = cpuMs(cpu);

const validators = pairs.map(([name]) => validatorOf(name));
const valid = texts.map((text, i) => verdict(validators[i], text));
const roundsMs = [];
for (let r = 0; r < rounds; r++) {
  const spent = [0, 0]; // invalid, valid
  texts.forEach((text, i) => {
    started = performance.now();
    verdict(validators[i], text);
    spent[valid[i] ? 1 : 0] += performance.now() - started;
  });
  roundsMs.push(spent);
}
process.stdout.write(
  JSON.stringify({
    import_ms: importMs,
    first_ms: firstMs,
    import_cpu_ms: importCpuMs,
    first_cpu_ms: firstCpuMs,
    rounds_ms: roundsMs,
    valid,
  }) + "\n",
);
