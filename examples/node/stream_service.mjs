// The Node business module of the streams demo.
//   node stream_service.mjs publish-task URL   -> one agent.task.requested on agent.tasks
//   node stream_service.mjs read-replies URL   -> reads agent.events until one reply
// Each run announces the module's contract fingerprints in Redis (live drift), with a
// heartbeat expiry: the record outlives this short process by the ttl.
import { randomUUID } from "node:crypto";

import Redis from "ioredis";

import { Presence } from "@platform/contracts/presence";
import { Consumer, Publisher } from "@platform/contracts/streams";

import { startTracing } from "./tracing.mjs";

const [command, url] = process.argv.slice(2);
const tracer = startTracing();
const redis = new Redis(url);
await new Presence(redis, { service: "billing-module", instance: "billing-1" }).beat();

if (command === "publish-task") {
  const publisher = new Publisher(redis, { source: "node:billing-module" });
  // The request starts a trace; the envelope carries it to the agent and back.
  const entryId = await tracer.startActiveSpan("billing: extract invoice", async (span) => {
    try {
      return await publisher.publish("agent.tasks", "agent.task.requested", 1, {
        task_id: randomUUID(),
        agent_id: "invoice-extractor",
        instruction: "Extract the supplier, invoice number and totals.",
        input: { document_url: "https://files.example.com/inv/2025-0312.pdf" },
        requested_at: new Date().toISOString(),
      });
    } finally {
      span.end();
    }
  });
  console.log(`node publishes agent.task.requested v1 on agent.tasks (entry ${entryId})`);
} else if (command === "read-replies") {
  const consumer = new Consumer(redis, {
    stream: "agent.events",
    group: "billing-module",
    consumer: "billing-1",
    blockMs: 200,
  });
  await consumer.ensureGroup("0");
  let done = false;
  consumer.on("agent.task.accepted", 1, (reply) => {
    // `reply` is typed AgentTaskAccepted here.
    console.log(
      `node consumes the agent's typed reply: task ${reply.task_id.slice(0, 8)}…`,
      `accepted by ${reply.worker_id}, attempt ${reply.attempt}`,
    );
    done = true;
  });
  for (let i = 0; i < 20 && !done; i += 1) await consumer.runOnce();
}
await redis.quit();
