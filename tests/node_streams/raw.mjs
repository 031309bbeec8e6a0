// The Node consumer over raw stream entries, for tests/test_streams_faults_node.py
// (the property of issue #13.1 on the third consumer), using the installed package
// (tests/node_streams/node_modules/@platform/contracts, copied from generated/ts).
//
//   node raw.mjs URL [cluster]
//
// With "cluster", URL names one node of a Redis Cluster and an ioredis Cluster client
// is used (the consumer's keys share the stream's hash tag: one slot).
// One process serves a whole hypothesis run: for each line read on stdin (a consumer
// group name) it consumes agent.tasks as that group, from the start, with one
// runOnce(), and writes one JSON line: the entry ids its handler was given and the
// batch's counts, or {"error": ...} when runOnce threw (the consumer did not stay up).
// The process ends when stdin closes.
import { createInterface } from "node:readline";

import Redis, { Cluster } from "ioredis";

import { Consumer } from "@platform/contracts/streams";

const [url, mode] = process.argv.slice(2);
const node = new URL(url);
const redis =
  mode === "cluster"
    ? new Cluster([{ host: node.hostname, port: Number(node.port) }])
    : new Redis(url);
const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });

for await (const line of lines) {
  const group = line.trim();
  if (group === "") continue;
  const consumer = new Consumer(redis, {
    stream: "agent.tasks",
    group,
    consumer: "n-1",
    blockMs: 20,
    onError: () => {}, // no handler fails here; a failure shows in result.failed
  });
  const handled = [];
  consumer.on("agent.task.requested", 1, (_data, delivery) => {
    handled.push(delivery.entryId);
  });
  let answer;
  try {
    await consumer.ensureGroup("0");
    const result = await consumer.runOnce();
    answer = { handled, result };
  } catch (error) {
    answer = { error: String(error?.stack ?? error) };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
await redis.quit();
