// Trace and metrics helper for tests/test_telemetry_cross.py: the middle hop of a
// Python -> Node -> Python exchange, with the OpenTelemetry SDK's in-memory exporter.
//   node trace.mjs URL IN_STREAM OUT_STREAM ACCEPTED_JSON
// Consumes one agent.task.requested v1 from IN_STREAM (and dead-letters what is
// invalid there), publishes an agent.task.accepted v1 to OUT_STREAM from inside the
// handler, and prints {spans, metrics} as JSON.
import { readFileSync } from "node:fs";

import * as api from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import Redis from "ioredis";

import { Consumer, Publisher } from "@platform/contracts/streams";

class Reader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

const [url, inStream, outStream, acceptedPath] = process.argv.slice(2);
const exporter = new InMemorySpanExporter();
api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
api.trace.setGlobalTracerProvider(
  new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
);
const reader = new Reader();
api.metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));

const accepted = JSON.parse(readFileSync(acceptedPath, "utf8"));
const redis = new Redis(url);
const publisher = new Publisher(redis, { source: "node:trace-test" });
const consumer = new Consumer(redis, { stream: inStream, group: "node-module", consumer: "n-1", blockMs: 100 });
await consumer.ensureGroup("0");
let handled = 0;
consumer.on("agent.task.requested", 1, async (data) => {
  await publisher.publish(outStream, "agent.task.accepted", 1, { ...accepted, task_id: data.task_id });
  handled += 1;
});
const deadline = Date.now() + 20000;
let dead = 0;
while ((handled < 1 || dead < 1) && Date.now() < deadline) {
  dead += (await consumer.runOnce()).deadLettered;
}
const spans = exporter.getFinishedSpans().map((s) => ({
  name: s.name,
  kind: api.SpanKind[s.kind],
  traceId: s.spanContext().traceId,
  spanId: s.spanContext().spanId,
  parent: s.parentSpanContext?.spanId ?? null,
  attributes: s.attributes,
}));
const { resourceMetrics } = await reader.collect();
const metrics = {};
for (const scope of resourceMetrics.scopeMetrics) {
  for (const metric of scope.metrics) {
    metrics[metric.descriptor.name] = metric.dataPoints.map((p) => [
      typeof p.value === "number" ? p.value : p.value.count,
      p.attributes,
    ]);
  }
}
process.stdout.write(JSON.stringify({ handled, dead, spans, metrics }));
await redis.quit();
