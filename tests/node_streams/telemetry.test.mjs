// The Node consumer's `process` span with an OpenTelemetry SDK, on a real redis-server
// (started here on a free loopback port, or the one REDIS_URL names): whatever the
// sampler decides, the span's context is current in the handler and a publish there
// continues the producer's trace; the sampler is given the sampling attributes of the
// semantic conventions, and a recording span gets the message id.
// The package under test is copied from generated/ts (or CONTRACTS_TS_DIR) into a
// folder of node_modules of its own, so it resolves @opentelemetry/api from here.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { after, before, test } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";

import * as api from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  AlwaysOnSampler, BasicTracerProvider, InMemorySpanExporter, ParentBasedSampler,
  SamplingDecision, SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { Redis } from "ioredis";

const HERE = dirname(fileURLToPath(import.meta.url));
const SOURCE = process.env.CONTRACTS_TS_DIR ?? resolve(HERE, "../../generated/ts");
const PACKAGE = join(HERE, "node_modules", "@platform", "contracts-telemetry-test");
rmSync(PACKAGE, { recursive: true, force: true });
cpSync(SOURCE, PACKAGE, { recursive: true, filter: (src) => basename(src) !== "node_modules" });
const load = (file) => import(pathToFileURL(join(PACKAGE, file)).href);
const { Consumer, Publisher, streamKey } = await load("streams.js");
const { Telemetry } = await load("telemetry.js");
const { MANIFEST } = await load("index.js");

const TASK = {
  task_id: "6f1c2a9e-3b4d-4e8f-9a7b-1c2d3e4f5a6b",
  agent_id: "support-triage",
  instruction: "Classify this ticket.",
  requested_at: "2025-03-14T08:00:00Z",
};
const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const PARENT_ID = "b7ad6b7169203331";
const ID = "0b9e6f3c-8d1a-4c57-9a3e-2f6d1c4b7a10";

let url = process.env.REDIS_URL;
let stop = async () => {};
const clients = [];
let n = 0;

function client() {
  const redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: () => 50 });
  redis.on("error", () => {}); // refused until a fresh server listens
  clients.push(redis);
  return redis;
}

before(async () => {
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  if (url !== undefined) return;
  const probe = net.createServer();
  await new Promise((done) => probe.listen(0, "127.0.0.1", done));
  const { port } = probe.address();
  await new Promise((done) => probe.close(done));
  const dir = mkdtempSync(join(tmpdir(), "contracts-redis-"));
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1",
    "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" });
  url = `redis://127.0.0.1:${port}/0`;
  stop = async () => {
    const exited = new Promise((done) => child.once("exit", done));
    child.kill();
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
});

after(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  await stop();
  rmSync(PACKAGE, { recursive: true, force: true });
});

function envelope(traceparent) {
  const entry = MANIFEST.contracts.find((c) => c.type === "agent.task.requested");
  return JSON.stringify({
    id: ID, type: "agent.task.requested", version: 1, fingerprint: entry.fingerprint,
    time: "2025-03-14T09:26:53.589Z", source: "test/raw", data: TASK,
    trace: { traceparent },
  });
}

/** Streams of their own per test (agent.tasks carries the message; the keys are new). */
async function setUp(tracerProvider) {
  const telemetry = new Telemetry({ tracerProvider });
  const group = `g${(n += 1)}`;
  const redis = client();
  const consumer = new Consumer(client(), {
    stream: "agent.tasks", group, consumer: "c", blockMs: 10, telemetry, onError: () => {},
  });
  await redis.del(streamKey("agent.tasks"));
  await consumer.ensureGroup("$");
  const publisher = new Publisher(redis, { source: "node/test", telemetry });
  return { redis, consumer, publisher, telemetry, group };
}

test("an unsampled producer: the process span records nothing, is current in the handler," +
  " and a publish there continues the producer's trace, not sampled", async () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const { redis, consumer, publisher, telemetry } = await setUp(provider);
  const seen = [];
  const key = api.createContextKey("contracts test key");
  consumer.on("agent.task.requested", 1, async () => {
    const active = api.context.active();
    const span = api.trace.getSpan(active);
    // the handler's context is an API context: values set in it keep the span
    const set = active.setValue(key, 7);
    assert.equal(set.getValue(key), 7);
    assert.equal(api.trace.getSpan(set), span);
    assert.equal(active.getValue(key), undefined);
    assert.equal(api.trace.getSpan(set.deleteValue(key)), span);
    assert.equal(api.trace.getSpan(api.trace.deleteSpan(active)), undefined);
    seen.push({ span, injected: telemetry.inject() });
    const entryId = await publisher.publish("agent.tasks", "agent.task.requested", 1, TASK);
    seen.push(entryId);
  });
  await redis.xadd(streamKey("agent.tasks"), "*", "envelope",
    envelope(`00-${TRACE_ID}-${PARENT_ID}-00`));
  assert.deepEqual(await consumer.runOnce(), { handled: 1, deadLettered: 0, failed: 0 });

  const [{ span, injected }, entryId] = seen;
  const { traceId, spanId, traceFlags } = span.spanContext();
  assert.equal(span.isRecording(), false);
  assert.equal(traceId, TRACE_ID);
  assert.notEqual(spanId, PARENT_ID);
  assert.equal(traceFlags, api.TraceFlags.NONE);
  // what the handler's span passes on: the producer's trace, this span, not sampled
  assert.deepEqual(injected, { traceparent: `00-${TRACE_ID}-${spanId}-00` });
  const [[, fields]] = await redis.xrange(streamKey("agent.tasks"), entryId, entryId);
  const downstream = JSON.parse(fields[1]).trace.traceparent.split("-");
  assert.deepEqual([downstream[0], downstream[1], downstream[3]], ["00", TRACE_ID, "00"]);
  assert.ok(![PARENT_ID, "0".repeat(16)].includes(downstream[2]));
  const names = exporter.getFinishedSpans().map((s) => s.name);
  assert.ok(!names.includes("process agent.tasks") && !names.includes("send agent.tasks"));
  assert.ok(names.includes("receive agent.tasks")); // a root span: sampled
});

test("the sampler is given the sampling attributes; a recording span gets the message id",
  async () => {
    const exporter = new InMemorySpanExporter();
    const given = [];
    const sampler = {
      shouldSample(_context, _traceId, name, _kind, attributes) {
        if (name === "process agent.tasks") given.push({ ...attributes });
        return { decision: SamplingDecision.RECORD_AND_SAMPLED };
      },
      toString: () => "recording",
    };
    const provider = new BasicTracerProvider({
      sampler, spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    const { redis, consumer, group } = await setUp(provider);
    const active = [];
    consumer.on("agent.task.requested", 1, () => {
      active.push(api.trace.getActiveSpan()?.spanContext().spanId);
    });
    await redis.xadd(streamKey("agent.tasks"), "*", "envelope",
      envelope(`00-${TRACE_ID}-${PARENT_ID}-00`)); // not sampled: this sampler decides
    assert.deepEqual(await consumer.runOnce(), { handled: 1, deadLettered: 0, failed: 0 });
    assert.deepEqual(given, [{
      "messaging.system": "redis",
      "messaging.destination.name": "agent.tasks",
      "messaging.operation.type": "process",
      "messaging.operation.name": "process",
      "messaging.consumer.group.name": group,
    }]);
    const [span] = exporter.getFinishedSpans().filter((s) => s.name === "process agent.tasks");
    assert.equal(span.parentSpanContext?.spanId, PARENT_ID);
    assert.equal(span.attributes["messaging.message.id"], ID);
    assert.deepEqual(active, [span.spanContext().spanId]);
  });
