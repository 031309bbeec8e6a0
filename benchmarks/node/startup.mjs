// One measurement of benchmark (b), issue #14, in a fresh process (run by
// benchmarks/node_startup.py): importing a generated package (its index, every module)
// and the first validation of one of its contracts, in ms, beside the peer: bare Ajv
// 2020 importing, adding the same bundled schemas and compiling that contract.
//
//   node benchmarks/node/startup.mjs PACKAGE_DIR CONTRACT_ID SAMPLE_JSON [ours|peer]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [dir, contractId, samplePath, which = "ours"] = process.argv.slice(2);
const sample = readFileSync(samplePath, "utf8");
const t0 = performance.now();
if (which === "ours") {
  const pkg = await import(pathToFileURL(join(dir, "index.js")).href);
  const t1 = performance.now();
  pkg.contract(contractId).is(JSON.parse(sample));
  const t2 = performance.now();
  console.log(JSON.stringify({ import_ms: t1 - t0, first_ms: t2 - t1 }));
} else {
  const { SCHEMAS } = await import(pathToFileURL(join(dir, "_schemas.js")).href);
  const Ajv2020 = (await import("ajv/dist/2020.js")).default;
  const t1 = performance.now();
  const Ajv = Ajv2020.default ?? Ajv2020;
  const ajv = new Ajv({ strict: false, validateFormats: false });
  for (const e of SCHEMAS) ajv.addSchema(e.schema, e.uri);
  const entry = SCHEMAS.find((e) => e.path === contractId);
  const validate = ajv.compile({ $ref: entry.uri });
  validate(JSON.parse(sample));
  const t2 = performance.now();
  console.log(JSON.stringify({ import_ms: t1 - t0, first_ms: t2 - t1 }));
}
