// Times a generated npm package's validator on a corpus, as a Node service runs it.
//
// usage: node timing.mjs <generated ts folder> <contract> <documents.json> <rounds>
// documents.json: a JSON array of JSON texts. Prints one JSON line:
// {"import_ms", "first_ms", "per_doc_ms": [one mean per round], "valid": [bool...]}
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { performance } from "node:perf_hooks";

const [pkg, contractName, documentsFile, roundsText] = process.argv.slice(2);
const texts = JSON.parse(readFileSync(documentsFile, "utf8"));
const rounds = Number(roundsText);

let started = performance.now();
const runtime = await import(pathToFileURL(join(pkg, "_runtime.js")).href);
const importMs = performance.now() - started;

const verdict = (validator, text) => {
  try {
    validator.parseJson(text);
    return true;
  } catch (err) {
    if (!(err instanceof runtime.ContractViolation)) throw err;
    return false;
  }
};

started = performance.now();
const validator = runtime.contract(contractName);
verdict(validator, texts[0]);
const firstMs = performance.now() - started;

const valid = texts.map((text) => verdict(validator, text));
const perDoc = [];
for (let r = 0; r < rounds; r++) {
  started = performance.now();
  for (const text of texts) verdict(validator, text);
  perDoc.push((performance.now() - started) / texts.length);
}
process.stdout.write(
  JSON.stringify({ import_ms: importMs, first_ms: firstMs, per_doc_ms: perDoc, valid }) + "\n",
);
