// Benchmark (c) of issue #14: Redis Streams through the generated package against raw
// ioredis on the same redis-server, in the same process: publishing (Publisher
// .publishMany, validated, one pipeline per batch, vs a pipeline of XADDs of the same
// envelope text) and consuming (Consumer.runOnce with a no-op handler: XREADGROUP,
// validation, one XACK per batch, vs XREADGROUP + JSON.parse + XACK per batch).
// Prints messages per second of each and the ratios (goal >= 0.5x each).
//
//   node benchmarks/node/redis.mjs [--messages N] [--batch B] [--rounds R]
//
// Starts its own redis-server on a free loopback port (or uses REDIS_URL).
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Redis } from "ioredis";

const HERE = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    package: { type: "string", default: resolve(HERE, "../../generated/ts") },
    messages: { type: "string", default: "20000" },
    batch: { type: "string", default: "100" },
    rounds: { type: "string", default: "3" },
  },
});
const PACKAGE = join(HERE, "node_modules", "@platform", "contracts");
rmSync(PACKAGE, { recursive: true, force: true });
cpSync(args.package, PACKAGE, { recursive: true, filter: (s) => basename(s) !== "node_modules" });
const { Publisher, Consumer, streamKey } = await import("@platform/contracts/streams");
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

async function freePort() {
  const probe = net.createServer();
  await new Promise((done) => probe.listen(0, "127.0.0.1", done));
  const { port } = probe.address();
  await new Promise((done) => probe.close(done));
  return port;
}

let server = null;
let url = process.env.REDIS_URL;
if (url === undefined) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "contracts-bench-redis-"));
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1",
    "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" });
  server = { child, dir };
  url = `redis://127.0.0.1:${port}/0`;
}
const redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
redis.on("error", () => {});
await redis.ping();

const seconds = (t0) => (performance.now() - t0) / 1000;

async function publishOurs() {
  await redis.del(KEY);
  const publisher = new Publisher(redis, { source: "bench" });
  const items = Array.from({ length: BATCH }, () => ({
    type: "agent.task.requested", version: 1, data: TASK,
  }));
  const t0 = performance.now();
  for (let sent = 0; sent < N; sent += BATCH) await publisher.publishMany(STREAM, items);
  return N / seconds(t0);
}

async function publishRaw() {
  await redis.del(KEY);
  const text = JSON.stringify(buildEnvelope("agent.task.requested", 1, TASK, { source: "bench" }));
  const t0 = performance.now();
  for (let sent = 0; sent < N; sent += BATCH) {
    const pipeline = redis.pipeline();
    for (let i = 0; i < BATCH; i++) pipeline.xadd(KEY, "*", "envelope", text);
    await pipeline.exec();
  }
  return N / seconds(t0);
}

async function fill() {
  await publishRaw();
  await redis.xgroup("CREATE", KEY, "g", "0");
}

async function consumeOurs() {
  await fill();
  const consumer = new Consumer(redis, { stream: STREAM, group: "g", consumer: "c", batch: BATCH, blockMs: 0 });
  await consumer.ensureGroup("0");
  let handled = 0;
  consumer.on("agent.task.requested", 1, () => {
    handled += 1;
  });
  const t0 = performance.now();
  while (handled < N) await consumer.runOnce();
  return N / seconds(t0);
}

async function consumeRaw() {
  await fill();
  let read = 0;
  const t0 = performance.now();
  while (read < N) {
    const reply = await redis.xreadgroup("GROUP", "g", "c", "COUNT", BATCH, "STREAMS", KEY, ">");
    const ids = [];
    for (const [, entries] of reply ?? []) {
      for (const [id, fields] of entries) {
        JSON.parse(fields[1]);
        ids.push(id);
      }
    }
    if (ids.length) await redis.xack(KEY, "g", ...ids);
    read += ids.length;
  }
  return N / seconds(t0);
}

const ratios = { publish: [], consume: [] };
const fmt = (x) => `${Math.round(x / 100) / 10}k/s`;
for (let round = 0; round < Number(args.rounds); round++) {
  const [rawPub, ourPub] = [await publishRaw(), await publishOurs()];
  const [rawCon, ourCon] = [await consumeRaw(), await consumeOurs()];
  ratios.publish.push(ourPub / rawPub);
  ratios.consume.push(ourCon / rawCon);
  console.log(`publish: raw ioredis ${fmt(rawPub)}  package ${fmt(ourPub)}   ` +
    `consume: raw ioredis ${fmt(rawCon)}  package ${fmt(ourCon)}`);
}
for (const [name, list] of Object.entries(ratios)) {
  const lo = Math.min(...list).toFixed(2);
  const hi = Math.max(...list).toFixed(2);
  console.log(`ratio ${name} package / raw ioredis: ${lo}-${hi}x (goal >= 0.5x)`);
}
console.log(JSON.stringify({ benchmark: "redis", messages: N, ratios }));
await redis.del(KEY, `${KEY}:dlq`, `${KEY}:retry:g`);
redis.disconnect();
if (server) {
  server.child.kill();
  rmSync(server.dir, { recursive: true, force: true });
}
