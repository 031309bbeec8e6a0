// What an OpenTelemetry SDK costs the Node runtime per message on Redis Streams (issue
// #17), measured in ONE process: several publishers and consumers of the generated
// package, each side with its own Telemetry (explicit providers, or none), publish
// (publishMany, validated, one pipeline per batch) and consume (runOnce, a no-op
// handler) the same 1 KB messages on one redis-server, and their chunks are
// interleaved (A B C, C B A, ...), so a loaded machine's noise and the process's JIT
// and heap touch every side alike. The figure is the client's CPU time per message
// (process.cpuUsage: it does not count waiting for Redis or for a busy CPU), median
// over chunks; the overhead of a side is 1 - (no SDK) / side (the throughput lost, as
// benchmarks/node/telemetry.mjs counts it), the median of the per-chunk ratios.
// Reported, never asserted.
//
// Sides (every one on the same package and the same global context manager and W3C
// propagators, which an SDK registers and which cost nothing by themselves):
//   - no SDK: Telemetry() with no global provider registered (the runtime does nothing);
//   - SDK: a tracer provider whose batch processor drops the spans, a meter provider
//     whose reader is never collected (benchmarks/node/otel/sdk.mjs, as a provider);
//   - SDK: traces only / SDK: metrics only: one of the two providers;
//   - SDK: 10% sampled: ParentBasedSampler(TraceIdRatioBasedSampler(0.1)) and entries
//     whose producer sampled 1 trace in 10 (the others carry the not-sampled flag):
//     the consumer follows its producer's decision; an unsampled message still gets
//     a non-recording `process` span and its context (the handler's publishes
//     continue the trace, unsampled).
// Every consumed entry carries a producer's traceparent (100 entries per trace:
// publishMany batches), as benchmarks/node/redis.mjs writes them. A side publishes with
// no active span: its publishMany starts a root `send` span (sampled 1 in 10 on the
// sampled side) and injects it.
//
// With --compare DIR (another build of the package, e.g. main's generated/ts), every side
// also runs on that package, its chunks interleaved with the others; its sides are
// marked "[compare]" and their overhead is against its own first side.
//
//   node benchmarks/node/telemetry_sides.mjs [--chunks N] [--chunk C] [--batch B]
//       [--package DIR] [--compare DIR] [--sides "no SDK,SDK"] [--paths publish,consume]
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, existsSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";

import { redisServer } from "./_redis_server.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const OTEL = join(HERE, "otel");
const { values: args } = parseArgs({
  options: {
    package: { type: "string", default: resolve(HERE, "../../generated/ts") },
    compare: { type: "string" },
    chunks: { type: "string", default: "20" },
    chunk: { type: "string", default: "1000" },
    batch: { type: "string", default: "100" },
    // a comma-separated subset of the sides (the first is the baseline)
    sides: { type: "string" },
    // publish, consume or both (each path's chunks leave garbage the other's collect)
    paths: { type: "string", default: "publish,consume" },
  },
});
if (!existsSync(join(OTEL, "node_modules", "@opentelemetry", "core"))) {
  console.log("installing the OpenTelemetry packages: npm ci in benchmarks/node/otel ...");
  execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--silent"], { cwd: OTEL });
}
// The package resolves @opentelemetry/api from its own directory: copy it into
// benchmarks/node/otel/node_modules, where the OpenTelemetry packages are.
const copies = [];
async function loadPackage(dir, name) {
  const copy = join(OTEL, "node_modules", "@platform", name);
  rmSync(copy, { recursive: true, force: true });
  cpSync(dir, copy, { recursive: true, filter: (s) => basename(s) !== "node_modules" });
  copies.push(copy);
  const load = (file) => import(pathToFileURL(join(copy, file)).href);
  const [streams, index, telemetry] = await Promise.all(
    ["streams.js", "index.js", "telemetry.js"].map(load),
  );
  return { ...streams, ...index, ...telemetry };
}
const packages = [["", await loadPackage(args.package, "contracts-telemetry-bench")]];
if (args.compare !== undefined) {
  packages.push([" [compare]", await loadPackage(args.compare, "contracts-telemetry-compare")]);
}
const { streamKey, retryKey, buildEnvelope } = packages[0][1];

const otel = createRequire(join(OTEL, "sdk.mjs"));
const api = otel("@opentelemetry/api");
const { AsyncLocalStorageContextManager } = otel("@opentelemetry/context-async-hooks");
const { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } =
  otel("@opentelemetry/core");
const { MeterProvider, MetricReader } = otel("@opentelemetry/sdk-metrics");
const { BasicTracerProvider, BatchSpanProcessor, ParentBasedSampler, TraceIdRatioBasedSampler } =
  otel("@opentelemetry/sdk-trace-base");

class Dropping {
  export(_spans, done) {
    done({ code: 0 });
  }
  shutdown() {
    return Promise.resolve();
  }
}
class Idle extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}
api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
api.propagation.setGlobalPropagator(
  new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  }),
);
const tracer = (sampler) =>
  new BasicTracerProvider({
    spanProcessors: [new BatchSpanProcessor(new Dropping())],
    ...(sampler === undefined ? {} : { sampler }),
  });
const meterProvider = new MeterProvider({ readers: [new Idle()] });
const tracerProvider = tracer();
const sampled = tracer(new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(0.1) }));
const SIDES = {
  "no SDK": { telemetry: {}, every: 1 },
  SDK: { telemetry: { tracerProvider, meterProvider }, every: 1 },
  "SDK: traces only": { telemetry: { tracerProvider }, every: 1 },
  "SDK: metrics only": { telemetry: { meterProvider }, every: 1 },
  "SDK: 10% sampled": { telemetry: { tracerProvider: sampled, meterProvider }, every: 10 },
};

const TASK = {
  task_id: "6f1c2a9e-3b4d-4e8f-9a7b-1c2d3e4f5a6b",
  agent_id: "support-triage",
  instruction: "Classify this ticket and draft a first answer for the customer.",
  requested_at: "2025-03-14T08:00:00Z",
};
const STREAM = "agent.tasks";
const KEY = streamKey(STREAM);
const CHUNK = Number(args.chunk);
const BATCH = Number(args.batch);
const CHUNKS = Number(args.chunks);

const server = await redisServer();
const url = server.url;
const redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
redis.on("error", () => {});
await redis.ping();

const hex = (bytes) => randomBytes(bytes).toString("hex");
const chosen = args.sides?.split(",") ?? Object.keys(SIDES);
const picked = Object.entries(SIDES).filter(([name]) => chosen.includes(name));
const sides = packages.flatMap(([mark, { Consumer, Publisher, Telemetry }], p) =>
  picked.map(([name, { telemetry, every }], i) => {
    // a producer's trace per publishMany batch; 1 in `every` of them sampled
    const traces = Array.from({ length: Math.ceil(CHUNK / BATCH) }, (_, t) => ({
      traceparent: `00-${hex(16)}-${hex(8)}-${t % every === 0 ? "01" : "00"}`,
    }));
    const texts = Array.from({ length: CHUNK }, (_, m) =>
      JSON.stringify(buildEnvelope("agent.task.requested", 1, TASK, {
        source: "bench", trace: traces[Math.floor(m / BATCH)],
      })),
    );
    const group = `g${p}.${i}`;
    const consumer = new Consumer(redis, {
      stream: STREAM, group, consumer: "c", batch: BATCH, blockMs: 0,
      telemetry: new Telemetry(telemetry),
    });
    const publisher = new Publisher(redis, {
      source: "bench", telemetry: new Telemetry(telemetry),
    });
    const retry = retryKey(STREAM, group);
    const cpu = { publish: [], consume: [] };
    const side = { name: name + mark, base: p * picked.length, texts, consumer, publisher };
    Object.assign(side, { retry, handled: 0, cpu });
    consumer.on("agent.task.requested", 1, () => {
      side.handled += 1;
    });
    return side;
  }),
);

const ITEMS = Array.from({ length: BATCH }, () => ({
  type: "agent.task.requested", version: 1, data: TASK,
}));
const PATHS = {
  publish: {
    setup: () => redis.del(KEY),
    run: async (side) => {
      for (let sent = 0; sent < CHUNK; sent += BATCH) {
        const items = ITEMS.slice(0, Math.min(BATCH, CHUNK - sent));
        await side.publisher.publishMany(STREAM, items);
      }
    },
  },
  consume: {
    setup: async (side) => {
      await redis.del(KEY, side.retry);
      const pipeline = redis.pipeline();
      for (const text of side.texts) pipeline.xadd(KEY, "*", "envelope", text);
      await pipeline.exec();
      await side.consumer.ensureGroup("0");
    },
    run: async (side) => {
      side.handled = 0;
      while (side.handled < CHUNK) await side.consumer.runOnce();
    },
  },
};
for (const path of Object.keys(PATHS)) {
  if (!args.paths.split(",").includes(path)) delete PATHS[path];
}
for (let c = 0; c < CHUNKS; c++) {
  for (const [path, { setup, run }] of Object.entries(PATHS)) {
    for (const side of c % 2 === 0 ? sides : [...sides].reverse()) {
      await setup(side);
      const cpu0 = process.cpuUsage();
      await run(side);
      const cpu = process.cpuUsage(cpu0);
      side.cpu[path].push((cpu.user + cpu.system) / CHUNK);
    }
  }
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const warm = Math.floor(CHUNKS / 4); // the first chunks warm the JIT up
const result = { benchmark: "telemetry_sides", chunk: CHUNK, chunks: CHUNKS, sides: {} };
console.log(
  `${CHUNK} 1 KB messages per chunk, batches of ${BATCH}, ${CHUNKS} chunks per side and` +
    ` path (the first ${warm} not counted); client CPU per message, median`,
);
for (const side of sides) {
  const base = sides[side.base]; // the first side of the same package
  result.sides[side.name] = {};
  const line = [];
  for (const path of Object.keys(PATHS)) {
    const cpu = side.cpu[path].slice(warm);
    const overhead = median(cpu.map((x, i) => 1 - base.cpu[path][warm + i] / x));
    result.sides[side.name][path] = { cpuUs: median(cpu), overhead };
    const tail = side === base ? "" : ` (${(100 * overhead).toFixed(1)}%)`;
    line.push(`${path} ${median(cpu).toFixed(2)} us${tail}`);
  }
  console.log(`${side.name.padEnd(args.compare === undefined ? 18 : 28)} ${line.join("   ")}`);
}
console.log("overhead: the throughput lost against no SDK; goal <= 15% with an SDK");
console.log(JSON.stringify(result));
await Promise.all([tracerProvider.shutdown(), sampled.shutdown(), meterProvider.shutdown()]);
await redis.del(KEY, `${KEY}:dlq`, ...sides.map((s) => s.retry));
redis.disconnect();
for (const copy of copies) rmSync(copy, { recursive: true, force: true });
server.stop();
