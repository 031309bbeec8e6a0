// Type-checked (never run) by streams.test.mjs: the declarations of streams.js as a
// Node service uses them, under tsc --strict.
import { Redis } from "ioredis";
import {
  type BatchResult,
  Consumer,
  type DeadLetterReason,
  Publisher,
  StreamNotInCatalog,
  deadLetterKey,
  streamKey,
} from "@platform/contracts/streams";
import { Presence, type PresenceRecord, serviceKey } from "@platform/contracts/presence";

export async function service(signal: AbortSignal): Promise<BatchResult> {
  const publisher = new Publisher(new Redis(), { source: "node/billing", maxLen: 10_000 });
  const entryId: string = await publisher.publish(
    "agent.tasks",
    "agent.task.requested",
    1,
    {
      task_id: "6f1c2a9e-3b4d-4e8f-9a7b-1c2d3e4f5a6b",
      agent_id: "support-triage",
      instruction: "Classify this ticket.",
      requested_at: "2025-03-14T08:00:00Z",
    },
    { correlationId: "1b9e6f3c-8d1a-4c57-9a3e-2f6d1c4b7a10", maxLen: 5 },
  );
  // @ts-expect-error instruction is a string
  await publisher.publish("agent.tasks", "agent.task.requested", 1, { instruction: 3 });
  // @ts-expect-error there is no version 9
  await publisher.publish("agent.tasks", "agent.task.requested", 9, {});
  const ids: string[] = await publisher.publishMany("order.events", [
    {
      type: "agent.task.progress",
      version: 1,
      // @ts-expect-error the payload of agent.task.progress has no field "nope"
      data: { nope: true },
    },
  ]);

  const consumer = new Consumer(new Redis(), {
    stream: "agent.events",
    group: "billing",
    consumer: `billing-${process.pid}`,
    maxDeliveries: 3,
    limits: { maxBytes: 65_536 },
    onError: (error, failure) => console.error(failure.entryId, failure.deliveries, error),
  })
    .on("agent.task.completed", 1, async (data, message) => {
      const task: string = data.task_id;
      const correlation: string | undefined = message.envelope.correlation_id;
      const n: number = message.deliveries;
      if (!message.fingerprintMatches) console.log(task, correlation, n, message.entryId);
    })
    .on("agent.task.failed", 1, (data) => {
      // @ts-expect-error agent.task.failed has no result
      return data.result;
    });
  await consumer.ensureGroup("0");
  // @ts-expect-error the start is "$" or "0"
  await consumer.ensureGroup(">");
  const drift: number | undefined = consumer.drift.get("x");
  const reason: DeadLetterReason = "no-handler";
  const keys: string[] = [streamKey("agent.tasks"), deadLetterKey("agent.tasks")];
  const error = new StreamNotInCatalog("x");
  console.log(entryId, ids, drift, reason, keys, error.stream);
  const presence = await new Presence(new Redis(), { service: "billing", ttlSeconds: 30 })
    .watch(consumer)
    .start();
  const record: PresenceRecord = presence.record();
  const runtime: "node" | "python" = record.runtime;
  const fingerprint: string | undefined = record.contracts["agent/task_requested.v1.json"];
  // @ts-expect-error the service name is required
  new Presence(new Redis(), { ttlSeconds: 5 });
  console.log(runtime, fingerprint, serviceKey(presence.instance), record.drift[0]?.count);
  void consumer.run(signal);
  return consumer.runOnce();
}
