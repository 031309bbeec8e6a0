// Benchmark (c) of issue #14: Redis Streams through the generated package against raw
// ioredis on the same redis-server, in the same process: publishing (Publisher
// .publishMany, validated, one pipeline per batch, vs a pipeline of XADDs of envelope
// texts made beforehand) and consuming (Consumer.runOnce with a no-op handler:
// XREADGROUP, validation, one XACK per batch, vs XREADGROUP + JSON.parse + XACK per
// batch). Both read the same entries: distinct envelopes (ids, times), as a stream holds.
//
// The machine may be loaded (2 shared cores): each round alternates the two sides in
// chunks (raw then package, then package then raw, ...), so a change of load touches
// both alike, and a round's ratio is the package's throughput over raw's, each summed
// over its chunks. The figure is the median over rounds. The client process's CPU
// time per message of each side is printed too (it does not count waiting for Redis
// or for the CPU). Prints messages per second and the ratios (goal >= 0.5x each).
//
//   node benchmarks/node/redis.mjs [--messages N] [--chunk C] [--batch B] [--rounds R]
//
// N messages per path, side and round, in chunks of C. Starts its own redis-server on
// a free loopback port (or uses REDIS_URL).
import { randomBytes } from "node:crypto";
import { cpSync, rmSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";

import { redisServer } from "./_redis_server.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    package: { type: "string", default: resolve(HERE, "../../generated/ts") },
    messages: { type: "string", default: "10000" },
    chunk: { type: "string", default: "1000" },
    batch: { type: "string", default: "100" },
    rounds: { type: "string", default: "5" },
  },
});
const PACKAGE = join(HERE, "node_modules", "@platform", "contracts");
rmSync(PACKAGE, { recursive: true, force: true });
cpSync(args.package, PACKAGE, { recursive: true, filter: (s) => basename(s) !== "node_modules" });
const { Publisher, Consumer, streamKey, retryKey } = await import("@platform/contracts/streams");
const { buildEnvelope } = await import("@platform/contracts");

const TASK = {
  task_id: "6f1c2a9e-3b4d-4e8f-9a7b-1c2d3e4f5a6b",
  agent_id: "support-triage",
  instruction: "Classify this ticket and draft a first answer for the customer.",
  requested_at: "2025-03-14T08:00:00Z",
};
const STREAM = "agent.tasks";
const KEY = streamKey(STREAM);
const N = Number(args.messages);
const BATCH = Number(args.batch);

const server = await redisServer();
const url = server.url;
const redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
redis.on("error", () => {});
await redis.ping();

const CHUNK = Math.min(Number(args.chunk), N);
const GROUP = "g";
const RETRY = retryKey(STREAM, GROUP);
// Distinct envelopes, as a traced producer's publishMany writes them (each batch
// carries its span's W3C trace context): the entries both consumers read, and the
// texts raw ioredis publishes. A consumer with an SDK continues each trace.
const hex = (bytes) => randomBytes(bytes).toString("hex");
const TRACES = Array.from({ length: Math.ceil(CHUNK / BATCH) }, () => ({
  traceparent: `00-${hex(16)}-${hex(8)}-01`,
}));
const TEXTS = Array.from({ length: CHUNK }, (_, i) =>
  JSON.stringify(buildEnvelope("agent.task.requested", 1, TASK, {
    source: "bench", trace: TRACES[Math.floor(i / BATCH)],
  })),
);
const ITEMS = Array.from({ length: BATCH }, () => ({
  type: "agent.task.requested", version: 1, data: TASK,
}));
const publisher = new Publisher(redis, { source: "bench" });
const consumer = new Consumer(redis, {
  stream: STREAM, group: GROUP, consumer: "c", batch: BATCH, blockMs: 0,
});
let handled = 0;
consumer.on("agent.task.requested", 1, () => {
  handled += 1;
});

async function xadds(count) {
  for (let sent = 0; sent < count; sent += BATCH) {
    const pipeline = redis.pipeline();
    for (let i = sent; i < Math.min(sent + BATCH, count); i++) {
      pipeline.xadd(KEY, "*", "envelope", TEXTS[i % TEXTS.length]);
    }
    await pipeline.exec();
  }
}

// One timed chunk of each side and path; the setup (an empty stream, or one holding
// the chunk's entries and a fresh group) is not timed.
const SIDES = {
  publish: {
    raw: { setup: () => redis.del(KEY), run: () => xadds(CHUNK) },
    package: {
      setup: () => redis.del(KEY),
      run: async () => {
        for (let sent = 0; sent < CHUNK; sent += BATCH) {
          await publisher.publishMany(STREAM, ITEMS.slice(0, Math.min(BATCH, CHUNK - sent)));
        }
      },
    },
  },
  consume: {
    raw: {
      setup: async () => {
        await redis.del(KEY, RETRY);
        await xadds(CHUNK);
        await redis.xgroup("CREATE", KEY, GROUP, "0");
      },
      run: async () => {
        let read = 0;
        while (read < CHUNK) {
          const reply = await redis.xreadgroup(
            "GROUP", GROUP, "c", "COUNT", BATCH, "STREAMS", KEY, ">",
          );
          const ids = [];
          for (const [, entries] of reply ?? []) {
            for (const [id, fields] of entries) {
              JSON.parse(fields[1]);
              ids.push(id);
            }
          }
          if (ids.length) await redis.xack(KEY, GROUP, ...ids);
          read += ids.length;
        }
      },
    },
    package: {
      setup: async () => {
        await redis.del(KEY, RETRY);
        await xadds(CHUNK);
        await consumer.ensureGroup("0");
      },
      run: async () => {
        handled = 0;
        while (handled < CHUNK) await consumer.runOnce();
      },
    },
  },
};

/** One round of a path: chunks alternating raw/package, package/raw, ... */
async function round(path) {
  const spent = { raw: { wall: 0, cpu: 0 }, package: { wall: 0, cpu: 0 } };
  for (let i = 0; i < N / CHUNK; i++) {
    for (const side of i % 2 === 0 ? ["raw", "package"] : ["package", "raw"]) {
      const { setup, run } = SIDES[path][side];
      await setup();
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      await run();
      spent[side].wall += performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      spent[side].cpu += (cpu.user + cpu.system) / 1000;
    }
  }
  const messages = Math.floor(N / CHUNK) * CHUNK;
  const rate = (side) => (messages * 1000) / spent[side].wall;
  const cpuUs = (side) => (spent[side].cpu * 1000) / messages;
  return {
    raw: rate("raw"),
    package: rate("package"),
    ratio: rate("package") / rate("raw"),
    cpu: { raw: cpuUs("raw"), package: cpuUs("package") },
  };
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const ratios = { publish: [], consume: [] };
const cpu = { publish: { raw: [], package: [] }, consume: { raw: [], package: [] } };
const fmt = (x) => `${Math.round(x / 100) / 10}k/s`;
for (let r = 0; r < Number(args.rounds); r++) {
  const line = [];
  for (const path of ["publish", "consume"]) {
    const got = await round(path);
    ratios[path].push(got.ratio);
    for (const side of ["raw", "package"]) cpu[path][side].push(got.cpu[side]);
    line.push(`${path}: raw ioredis ${fmt(got.raw)}  package ${fmt(got.package)}` +
      ` (${got.ratio.toFixed(2)}x)`);
  }
  console.log(line.join("   "));
}
const cpuMedians = {};
for (const [name, list] of Object.entries(ratios)) {
  const lo = Math.min(...list).toFixed(2);
  const hi = Math.max(...list).toFixed(2);
  console.log(`ratio ${name} package / raw ioredis: median ${median(list).toFixed(2)}x` +
    ` (${lo}-${hi}x over ${list.length} rounds; goal >= 0.5x)`);
  cpuMedians[name] = { raw: median(cpu[name].raw), package: median(cpu[name].package) };
}
console.log(`client CPU per message (median): ` + ["publish", "consume"].map((p) =>
  `${p} raw ${cpuMedians[p].raw.toFixed(1)} us, package ${cpuMedians[p].package.toFixed(1)} us`,
).join("; "));
console.log(JSON.stringify({ benchmark: "redis", messages: N, ratios, cpu: cpuMedians }));
await redis.del(KEY, RETRY, `${KEY}:dlq`);
redis.disconnect();
server.stop();
