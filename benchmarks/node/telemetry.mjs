// What traces and metrics cost the Node runtime on Redis Streams (issue #17): runs
// benchmarks/node/redis.mjs (the package's publishMany and runOnce against raw ioredis
// in the same process) in three modes, each in its own processes, round-robin:
//   - without the API: @opentelemetry/api cannot be resolved (the baseline);
//   - API, no SDK: the API resolves (NODE_PATH), no SDK is registered;
//   - SDK, no-op export: the SDK is registered by a preload (otel/sdk.mjs).
// Each run yields the package / raw ioredis ratios of its own process (redis.mjs
// alternates the two sides in chunks, so a loaded machine's noise touches both); a
// mode's overhead is 1 - its ratio / the baseline's (medians over runs and rounds).
// The same is printed from the client's CPU time per message (raw / package), which
// waiting for a busy CPU does not inflate. Goals: <= 2% without an SDK, <= 15% with
// one. Reported, never asserted.
//
//   node benchmarks/node/telemetry.mjs [--messages N] [--runs R] [--rounds K] [--package DIR]
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const HERE = dirname(fileURLToPath(import.meta.url));
const OTEL = join(HERE, "otel");
const { values: args } = parseArgs({
  options: {
    messages: { type: "string", default: "10000" },
    runs: { type: "string", default: "3" },
    rounds: { type: "string", default: "3" },
    // another build of the generated package (redis.mjs's --package), to compare two
    package: { type: "string" },
  },
});
if (!existsSync(join(OTEL, "node_modules", "@opentelemetry", "core"))) {
  console.log("installing the OpenTelemetry packages: npm ci in benchmarks/node/otel ...");
  execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--silent"], { cwd: OTEL });
}
const MODES = {
  "without the API": { env: {}, pre: [] },
  "API, no SDK": { env: { NODE_PATH: join(OTEL, "node_modules") }, pre: [] },
  "SDK, no-op export": {
    env: { NODE_PATH: join(OTEL, "node_modules") },
    pre: ["--import", join(OTEL, "sdk.mjs")],
  },
};
const ratios = Object.fromEntries(
  Object.keys(MODES).map((m) => [m, { publish: [], consume: [] }]),
);
const cpuRatios = Object.fromEntries(
  Object.keys(MODES).map((m) => [m, { publish: [], consume: [] }]),
);
for (let run = 0; run < Number(args.runs); run++) {
  for (const [mode, { env, pre }] of Object.entries(MODES)) {
    const done = spawnSync(
      process.execPath,
      [
        ...pre,
        join(HERE, "redis.mjs"),
        ...["--messages", args.messages, "--rounds", args.rounds],
        ...(args.package === undefined ? [] : ["--package", args.package]),
      ],
      { env: { ...process.env, ...env }, encoding: "utf8" },
    );
    if (done.status !== 0) throw new Error(`${mode}: ${done.stderr}`);
    const last = JSON.parse(done.stdout.trim().split("\n").at(-1));
    for (const path of ["publish", "consume"]) {
      ratios[mode][path].push(...last.ratios[path]);
      cpuRatios[mode][path].push(last.cpu[path].raw / last.cpu[path].package);
    }
  }
}
const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const base = ratios["without the API"];
const cpuBase = cpuRatios["without the API"];
console.log(
  `${args.messages} messages per path, side and round; ${args.rounds} rounds per run,` +
    ` ${args.runs} runs per mode`,
);
for (const [mode, r] of Object.entries(ratios)) {
  console.log(
    `${mode.padEnd(18)} package/raw: publish ${median(r.publish).toFixed(2)}x` +
      `  consume ${median(r.consume).toFixed(2)}x`,
  );
}
const goals = { "API, no SDK": 0.02, "SDK, no-op export": 0.15 };
for (const [mode, goal] of Object.entries(goals)) {
  for (const path of ["publish", "consume"]) {
    const overhead = 1 - median(ratios[mode][path]) / median(base[path]);
    const cpu = 1 - median(cpuRatios[mode][path]) / median(cpuBase[path]);
    const met = overhead <= goal ? "met" : "NOT met";
    console.log(
      `${mode}: ${path} overhead ${(100 * overhead).toFixed(1)}%` +
        ` (target <= ${100 * goal}%, ${met}; from CPU time ${(100 * cpu).toFixed(1)}%)`,
    );
  }
}
console.log(JSON.stringify({ benchmark: "telemetry", ratios, cpuRatios }));
