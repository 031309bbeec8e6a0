// Cross-runtime helper for tests/test_streams_cross.py, using the installed package
// (tests/node_streams/node_modules/@platform/contracts, copied from generated/ts).
//   node cross.mjs publish URL STREAM N   -> publishes N agent.task.requested v1
//   node cross.mjs consume URL STREAM N   -> consumes agent.task.accepted v1 until N
//                                            handled; prints the typed payloads
import Redis from "ioredis";

import { Consumer, Publisher } from "@platform/contracts/streams";

const [command, url, stream, count] = process.argv.slice(2);
const redis = new Redis(url);
const n = Number(count);

if (command === "publish") {
  const publisher = new Publisher(redis, { source: "node:test" });
  const items = Array.from({ length: n }, (_, i) => ({
    type: "agent.task.requested",
    version: 1,
    data: {
      task_id: `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`,
      agent_id: "invoice-extractor",
      instruction: `task ${i}`,
      input: { n: i },
      requested_at: "2026-11-24T09:30:00Z",
    },
  }));
  const ids = await publisher.publishMany(stream, items);
  process.stdout.write(JSON.stringify(ids));
} else if (command === "consume") {
  const consumer = new Consumer(redis, {
    stream,
    group: "node-module",
    consumer: "n-1",
    blockMs: 100,
  });
  await consumer.ensureGroup("0");
  const seen = [];
  consumer.on("agent.task.accepted", 1, (data, message) => {
    seen.push({ task_id: data.task_id, attempt: data.attempt, entry: message.entryId });
  });
  const deadline = Date.now() + 20000;
  let dead = 0;
  while (seen.length < n && Date.now() < deadline) {
    const result = await consumer.runOnce();
    dead += result.deadLettered;
  }
  process.stdout.write(JSON.stringify({ seen, dead }));
}
await redis.quit();
