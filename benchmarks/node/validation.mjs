// Benchmark (a) of issue #14: validating one ~1 KB order.created message from JSON
// text, the generated package (parseOrderCreatedJson: size and depth limits,
// JSON.parse, the precompiled validator, typed result) against bare Ajv 2020 with
// ajv-formats compiled on the same bundled schemas (JSON.parse + validate), in the
// same process. Prints messages per second (of CPU time) of each and the ratio
// (goal >= 0.9x).
//
//   node benchmarks/node/validation.mjs [--package DIR] [--seconds S] [--rounds N]
//
// The package (default generated/ts) is copied into this folder's node_modules, so
// it resolves ajv and re2js from here (npm ci in benchmarks/node first).
import { cpSync, readFileSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import Ajv2020Module from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";

const HERE = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    package: { type: "string", default: resolve(HERE, "../../generated/ts") },
    seconds: { type: "string", default: "1" },
    rounds: { type: "string", default: "3" },
  },
});
const PACKAGE = join(HERE, "node_modules", "@platform", "contracts");
rmSync(PACKAGE, { recursive: true, force: true });
cpSync(args.package, PACKAGE, { recursive: true, filter: (s) => basename(s) !== "node_modules" });

const { SCHEMAS } = await import("@platform/contracts/_schemas");
const order = await import("@platform/contracts/order/order_created_v1");
const sample = JSON.parse(
  readFileSync(resolve(HERE, "../../tests/samples/order/order_created.v1/valid-full.json"), "utf8"),
);
const text = JSON.stringify(sample);

const Ajv2020 = Ajv2020Module.default ?? Ajv2020Module;
const addFormats = addFormatsModule.default ?? addFormatsModule;
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
for (const entry of SCHEMAS) if (entry.draft !== "7") ajv.addSchema(entry.schema, entry.uri);
const bare = ajv.compile({ $ref: SCHEMAS.find((e) => e.path === "order/order_created.v1.json").uri });

const ours = (t) => order.parseOrderCreatedJson(t);
const peer = (t) => {
  const value = JSON.parse(t);
  if (!bare(value)) throw new Error(JSON.stringify(bare.errors));
  return value;
};
ours(text);
peer(text);

// Messages per second of CPU time (process.cpuUsage) rather than of wall time: on a
// shared machine the wall clock also counts the time other processes hold the CPU.
// Each round alternates the two in ten slices, so both see the same load.
function slice(fn, seconds, into) {
  let n = 0;
  const cpu = process.cpuUsage();
  const end = performance.now() + seconds * 1000;
  while (performance.now() < end) {
    for (let i = 0; i < 1000; i++) fn(text);
    n += 1000;
  }
  const used = process.cpuUsage(cpu);
  into.n += n;
  into.us += used.user + used.system;
}

const seconds = Number(args.seconds);
slice(peer, seconds / 5, { n: 0, us: 0 }); // warm-up: both optimised before timing
slice(ours, seconds / 5, { n: 0, us: 0 });
const ratios = [];
const rows = [];
for (let round = 0; round < Number(args.rounds); round++) {
  const a = { n: 0, us: 0 };
  const b = { n: 0, us: 0 };
  for (let k = 0; k < 10; k++) {
    slice(peer, seconds / 10, a);
    slice(ours, seconds / 10, b);
  }
  const [ra, rb] = [(a.n / a.us) * 1e6, (b.n / b.us) * 1e6];
  rows.push([ra, rb]);
  ratios.push(rb / ra);
}
const fmt = (x) => `${Math.round(x / 1000)}k/s`;
console.log(`message: ${Buffer.byteLength(text)} bytes (order.created v1)`);
for (const [a, b] of rows) console.log(`bare Ajv 2020 + ajv-formats ${fmt(a)}   package ${fmt(b)}`);
const lo = Math.min(...ratios).toFixed(2);
const hi = Math.max(...ratios).toFixed(2);
console.log(`ratio package / bare Ajv: ${lo}-${hi}x (goal >= 0.9x)`);
console.log(JSON.stringify({ benchmark: "validation", ratios }));
