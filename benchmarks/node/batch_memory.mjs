// The Node side of benchmarks/batch_memory.py (#13.7): one process's peak resident
// memory while it reads (and settles) one batch of huge forged entries.
//
//   node --expose-gc batch_memory.mjs URL STREAM VARIANT GROUP
//
// VARIANT "raw" is the named peer: a bare ioredis XREADGROUP of the batch (no checks,
// no dead letters). "node" is the generated package's Consumer.runOnce: it reads the
// batch, checks each entry's size and dead-letters every one of them (with their
// fields) in one MULTI with the acks. The peak is reset to the resident size just
// before (Linux: /proc/self/clear_refs 5) and read after (VmHWM). Prints one JSON line.
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { Redis } from "ioredis";

const HERE = dirname(fileURLToPath(import.meta.url));
const PACKAGE = join(HERE, "node_modules", "@platform", "contracts");
rmSync(PACKAGE, { recursive: true, force: true });
cpSync(resolve(HERE, "../../generated/ts"), PACKAGE, {
  recursive: true,
  filter: (s) => basename(s) !== "node_modules",
});
const { Consumer, streamKey } = await import("@platform/contracts/streams");

const [url, stream, variant, group] = process.argv.slice(2);

function status(field) {
  const line = readFileSync("/proc/self/status", "utf8")
    .split("\n")
    .find((l) => l.startsWith(`${field}:`));
  return Number(line.split(/\s+/)[1]) * 1024;
}

function start() {
  globalThis.gc?.();
  writeFileSync("/proc/self/clear_refs", "5");
  return status("VmRSS");
}

const redis = new Redis(url);
let before;
let read;
if (variant === "raw") {
  await redis.xgroup("CREATE", streamKey(stream), group, "0");
  before = start();
  const reply = await redis.callBuffer(
    "XREADGROUP", "GROUP", group, "r", "COUNT", 1000, "STREAMS", streamKey(stream), ">",
  );
  read = 0;
  for (const [, entries] of reply) for (const [, fields] of entries) read += fields[1].length;
} else {
  const consumer = new Consumer(redis, {
    stream, group, consumer: "n", batch: 1000, blockMs: 10,
  });
  await consumer.ensureGroup("0");
  before = start();
  const result = await consumer.runOnce();
  read = result.deadLettered;
}
const after = status("VmHWM");
await redis.quit();
process.stdout.write(`${JSON.stringify({ before, after, read })}\n`);
