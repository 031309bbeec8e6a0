// streams.js of the generated package against a real redis-server: started here on a
// free loopback port with no persistence (or the one REDIS_URL names; its
// `stream:{...}` keys of the catalogue streams used below are deleted).
// The package under test is copied from generated/ts (or CONTRACTS_TS_DIR) into
// node_modules/@platform/contracts, so it resolves ajv and ioredis from here.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { after, before, beforeEach, test } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

import { Redis } from "ioredis";

const HERE = dirname(fileURLToPath(import.meta.url));
const SOURCE = process.env.CONTRACTS_TS_DIR ?? resolve(HERE, "../../generated/ts");
const PACKAGE = join(HERE, "node_modules", "@platform", "contracts");
rmSync(PACKAGE, { recursive: true, force: true });
cpSync(SOURCE, PACKAGE, { recursive: true, filter: (src) => basename(src) !== "node_modules" });

const { Consumer, Publisher, StreamNotInCatalog, deadLetterKey, retryKey, streamKey } =
  await import("@platform/contracts/streams");
const { ContractViolation, MANIFEST } = await import("@platform/contracts");

const TASKS = "agent.tasks";
const EVENTS = "agent.events";
const TASK = {
  task_id: "6f1c2a9e-3b4d-4e8f-9a7b-1c2d3e4f5a6b",
  agent_id: "support-triage",
  instruction: "Classify this ticket.",
  requested_at: "2025-03-14T08:00:00Z",
};
const quiet = { onError: () => {} };

let server;
let url = process.env.REDIS_URL;
const clients = [];

function client() {
  const redis = new Redis(url, { maxRetriesPerRequest: 3 });
  clients.push(redis);
  return redis;
}

async function freePort() {
  const probe = net.createServer();
  await new Promise((done) => probe.listen(0, "127.0.0.1", done));
  const { port } = probe.address();
  await new Promise((done) => probe.close(done));
  return port;
}

async function startServer(port) {
  const dir = mkdtempSync(join(tmpdir(), "contracts-redis-"));
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1",
    "--save", "", "--appendonly", "no", "--dir", dir], { stdio: "ignore" });
  const probe = new Redis(port, "127.0.0.1", {
    maxRetriesPerRequest: null,
    retryStrategy: () => 50,
  });
  probe.on("error", () => {}); // refused until the server listens
  assert.equal(await probe.ping(), "PONG");
  probe.disconnect();
  return {
    stop: async () => {
      const exited = new Promise((done) => child.once("exit", done));
      child.kill();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

before(async () => {
  if (url === undefined) {
    const port = await freePort();
    server = await startServer(port);
    url = `redis://127.0.0.1:${port}/0`;
  }
});

after(async () => {
  await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  await server?.stop();
});

beforeEach(async () => {
  const admin = client();
  await admin.del(
    ...[TASKS, EVENTS].flatMap((s) => [streamKey(s), deadLetterKey(s), retryKey(s, "g")]),
  );
});

function fields(flat) {
  const out = {};
  for (let i = 0; i < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

async function deadLetters(redis, stream) {
  const entries = await redis.xrange(deadLetterKey(stream), "-", "+");
  return entries.map(([id, flat]) => ({ id, ...fields(flat) }));
}

function envelopeFor(type, version, data, extra = {}) {
  const entry = MANIFEST.contracts.find((c) => c.type === type && c.version === version);
  return JSON.stringify({
    id: "0b9e6f3c-8d1a-4c57-9a3e-2f6d1c4b7a10",
    type,
    version,
    fingerprint: entry?.fingerprint ?? `sha256:${"0".repeat(64)}`,
    time: "2025-03-14T09:26:53.589Z",
    source: "test/raw",
    data,
    ...extra,
  });
}

async function waitFor(condition, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    assert.ok(Date.now() < deadline, `not within ${ms} ms: ${condition}`);
    await new Promise((done) => setTimeout(done, 10));
  }
}

async function pending(redis, stream, group) {
  return Number((await redis.xpending(streamKey(stream), group))[0]);
}

test("keys carry the stream name as a hash tag", () => {
  assert.equal(streamKey(TASKS), "stream:{agent.tasks}");
  assert.equal(deadLetterKey(TASKS), "stream:{agent.tasks}:dlq");
  assert.throws(() => streamKey("a}b"), TypeError);
});

test("publish and consume round trip, typed and acknowledged", async () => {
  const redis = client();
  const publisher = new Publisher(client(), { source: "node/test" });
  const consumer = new Consumer(redis, { stream: TASKS, group: "g", consumer: "c1", blockMs: 50 });
  await consumer.ensureGroup("$");
  await consumer.ensureGroup("$"); // BUSYGROUP is fine
  const seen = [];
  consumer.on("agent.task.requested", 1, (data, message) => {
    seen.push({ data, message });
  });
  const entryId = await publisher.publish(TASKS, "agent.task.requested", 1, TASK, {
    correlationId: "1b9e6f3c-8d1a-4c57-9a3e-2f6d1c4b7a10",
  });
  const ids = await publisher.publishMany(TASKS, [
    { type: "agent.task.requested", version: 1, data: { ...TASK, instruction: "two" } },
    { type: "agent.task.requested", version: 1, data: { ...TASK, instruction: "three" } },
  ]);
  assert.equal(ids.length, 2);
  const [[, flat]] = await redis.xrange(streamKey(TASKS), entryId, entryId);
  assert.deepEqual(flat.filter((_, i) => i % 2 === 0), ["envelope"]);
  const wire = JSON.parse(flat[1]);
  assert.equal(wire.source, "node/test");
  assert.equal(wire.correlation_id, "1b9e6f3c-8d1a-4c57-9a3e-2f6d1c4b7a10");
  assert.deepEqual(wire.data, TASK);

  assert.deepEqual(await consumer.runOnce(), { handled: 3, deadLettered: 0, failed: 0 });
  assert.deepEqual(seen.map((s) => s.data.instruction), [TASK.instruction, "two", "three"]);
  const first = seen[0].message;
  assert.equal(first.entryId, entryId);
  assert.equal(first.deliveries, 1);
  assert.equal(first.fingerprintMatches, true);
  assert.equal(first.envelope.type, "agent.task.requested");
  assert.equal(await pending(redis, TASKS, "g"), 0);
  assert.deepEqual(await consumer.runOnce(), { handled: 0, deadLettered: 0, failed: 0 });
});

test("publishing validates first and honours MAXLEN ~", async () => {
  const redis = client();
  const publisher = new Publisher(redis, { source: "node/test", maxLen: 10 });
  await assert.rejects(
    publisher.publishMany(TASKS, [
      { type: "agent.task.requested", version: 1, data: TASK },
      { type: "agent.task.requested", version: 1, data: { ...TASK, agent_id: "Bad Id" } },
    ]),
    (error) => error instanceof ContractViolation && error.where.item === 1,
  );
  assert.equal(await redis.xlen(streamKey(TASKS)), 0);
  const empty = { ...TASK, instruction: "" };
  await assert.rejects(publisher.publish(TASKS, "agent.task.requested", 1, empty), (error) => {
    assert.ok(error instanceof ContractViolation);
    assert.deepEqual(error.where, { stream: TASKS });
    return true;
  });
  for (let i = 0; i < 6; i++) {
    await publisher.publishMany(TASKS, Array.from({ length: 100 }, () => (
      { type: "agent.task.requested", version: 1, data: TASK })));
  }
  assert.ok((await redis.xlen(streamKey(TASKS))) < 600);
});

test("a type the catalogue does not allow on the stream throws StreamNotInCatalog", async () => {
  const redis = client();
  const publisher = new Publisher(redis, { source: "node/test" });
  const accepted = {
    task_id: TASK.task_id, agent_id: "invoice-extractor", worker_id: "w:1", attempt: 1,
    accepted_at: "2025-03-14T08:26:54.120Z",
  };
  await assert.rejects(publisher.publish(TASKS, "agent.task.accepted", 1, accepted), (error) => {
    assert.ok(error instanceof StreamNotInCatalog);
    assert.equal(error.type, "agent.task.accepted");
    assert.match(error.message, /agent\.task\.requested v1/);
    return true;
  });
  await assert.rejects(publisher.publish("no.such.stream", "agent.task.requested", 1, TASK),
    StreamNotInCatalog);
  assert.equal(await redis.xlen(streamKey(TASKS)), 0);
  await publisher.publish(EVENTS, "agent.task.accepted", 1, accepted);
  const consumer = new Consumer(redis, { stream: TASKS, group: "g", consumer: "c" });
  assert.throws(() => consumer.on("agent.task.accepted", 1, () => {}), StreamNotInCatalog);
  assert.throws(() => new Consumer(redis, { stream: "nope", group: "g", consumer: "c" }),
    StreamNotInCatalog);
});

test("invalid entries land in the dead-letter stream with reason and errors, acked", async () => {
  const redis = client();
  const options = { stream: TASKS, group: "g", consumer: "c1", blockMs: 50 };
  const consumer = new Consumer(client(), options);
  await consumer.ensureGroup("0");
  consumer.on("agent.task.requested", 1, () => {});
  const key = streamKey(TASKS);
  const bad = { ...TASK, agent_id: "Bad Id" };
  delete bad.instruction;
  const raw = [
    ["envelope", envelopeFor("agent.task.requested", 1, bad), "extra", "kept"],
    ["envelope", "{not json"],
    ["other", "x"],
    ["envelope", envelopeFor("agent.task.requested", 7, TASK)],
    ["envelope", envelopeFor("customer.updated", 1, {})],
    ["envelope", envelopeFor("agent.task.requested", 1, TASK, { id: "nope" })],
    ["envelope", envelopeFor("agent.task.requested", 1, TASK)],
  ];
  const ids = [];
  for (const flat of raw) ids.push(await redis.xadd(key, "*", ...flat));
  assert.deepEqual(await consumer.runOnce(), { handled: 1, deadLettered: 6, failed: 0 });
  assert.equal(await pending(redis, TASKS, "g"), 0);
  const dead = await deadLetters(redis, TASKS);
  assert.deepEqual(dead.map((d) => d["dlq.reason"]),
    ["invalid", "invalid", "invalid", "unknown-contract", "not-in-catalog", "invalid"]);
  assert.deepEqual(dead.map((d) => d["dlq.entry_id"]), ids.slice(0, 6));
  const [first] = dead;
  assert.equal(first.envelope, raw[0][1]);
  assert.equal(first.extra, "kept");
  assert.equal(first["dlq.stream"], key);
  assert.equal(first["dlq.group"], "g");
  assert.equal(first["dlq.consumer"], "c1");
  assert.equal(first["dlq.deliveries"], "1");
  assert.match(first["dlq.time"], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const errors = JSON.parse(first["dlq.errors"]);
  assert.deepEqual(errors.map((e) => e.pointer), ["/data/agent_id", "/data/instruction"]);
  assert.ok(errors.every((e) => typeof e.expected === "string" && typeof e.got === "string"));
  assert.equal(JSON.parse(dead[1]["dlq.errors"])[0].expected, "valid JSON");
  assert.equal(JSON.parse(dead[3]["dlq.errors"])[0].pointer, "/version");
  assert.equal(JSON.parse(dead[4]["dlq.errors"])[0].pointer, "/type");
  assert.equal(JSON.parse(dead[5]["dlq.errors"])[0].pointer, "/id");
});

test("dead letters keep the original bytes, even when they are not UTF-8", async () => {
  const redis = client();
  const consumer = new Consumer(client(), { stream: TASKS, group: "g", consumer: "c", blockMs: 50 });
  await consumer.ensureGroup("0");
  const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
  await redis.xadd(streamKey(TASKS), "*", "envelope", bytes, Buffer.from([0x80]), bytes);
  assert.deepEqual(await consumer.runOnce(), { handled: 0, deadLettered: 1, failed: 0 });
  const [[, flat]] = await redis.xrangeBuffer(deadLetterKey(TASKS), "-", "+");
  assert.deepEqual(flat.slice(0, 4), [Buffer.from("envelope"), bytes, Buffer.from([0x80]), bytes]);
  const dead = fields(flat.map(String));
  assert.deepEqual(JSON.parse(dead["dlq.errors"]),
    [{ pointer: "", expected: "valid JSON", got: "text that is not UTF-8" }]);
});

test("dead letters are copied on the server, every field of the entry however many", async (t) => {
  // SETTLE copies an entry's fields into its dead letter (the client sends no payload
  // back); an entry of more fields than a script unpacks is XADDed by the client first.
  const evals = [];
  const redis = client();
  const reader = client();
  const sent = reader.sendCommand.bind(reader);
  t.mock.method(reader, "sendCommand", (command, ...rest) => {
    if (command.name === "evalsha" || command.name === "eval") evals.push(command.args.map(String));
    return sent(command, ...rest);
  });
  const consumer = new Consumer(reader, { stream: TASKS, group: "g", consumer: "c", blockMs: 10 });
  await consumer.ensureGroup("0");
  const few = ["envelope", Buffer.from([0xff, 0x00, 0x20]), "note", Buffer.from("a\xffb", "latin1")];
  const many = Array.from({ length: 5000 }, (_, i) => [`f${i}`, String(i)]).flat();
  const ids = [await redis.xadd(streamKey(TASKS), "*", ...few), await redis.xadd(streamKey(TASKS), "*", ...many)];
  assert.deepEqual(await consumer.runOnce(), { handled: 0, deadLettered: 2, failed: 0 });
  const letters = await redis.xrangeBuffer(deadLetterKey(TASKS), "-", "+");
  const own = (flat) => flat.slice(0, flat.findIndex((f) => String(f) === "dlq.reason"));
  const byId = new Map(letters.map(([, flat]) => [fields(flat.map(String))["dlq.entry_id"], flat]));
  assert.deepEqual(own(byId.get(ids[0])), few.map((f) => Buffer.from(f)));
  assert.deepEqual(own(byId.get(ids[1])).map(String), many);
  assert.equal(evals.length, 1); // one script for the batch, and no field of an entry in it
  assert.ok(!evals[0].includes("note") && !evals[0].includes("f4999"), evals[0]);
  assert.equal(await pending(redis, TASKS, "g"), 0);
});

test("a user who may not run scripts still dead-letters, in a MULTI, warned once", async (t) => {
  const warn = t.mock.method(console, "warn", () => {});
  const admin = client();
  const user = `noscript${Date.now()}`;
  await admin.call("ACL", "SETUSER", user, "on", ">secret", "~*", "&*", "+@all", "-@scripting");
  const limited = new Redis(url.replace("redis://", `redis://${user}:secret@`), {
    maxRetriesPerRequest: 3,
  });
  try {
    const publisher = new Publisher(admin, { source: "node/test" });
    const consumer = new Consumer(limited, { stream: TASKS, group: "g", consumer: "c", blockMs: 10 });
    await consumer.ensureGroup("0");
    consumer.on("agent.task.requested", 1, () => {});
    for (let round = 0; round < 2; round++) {
      const bad = await admin.xadd(streamKey(TASKS), "*", "envelope", "[1");
      await publisher.publish(TASKS, "agent.task.requested", 1, TASK);
      assert.deepEqual(await consumer.runOnce(), { handled: 1, deadLettered: 1, failed: 0 });
      const dead = (await deadLetters(admin, TASKS)).find((d) => d["dlq.entry_id"] === bad);
      assert.equal(dead.envelope, "[1");
    }
    const refusals = warn.mock.calls.filter((c) => String(c.arguments[0]).includes("settle script"));
    assert.equal(refusals.length, 1);
    assert.equal(await pending(admin, TASKS, "g"), 0);
  } finally {
    await limited.quit();
    await admin.call("ACL", "DELUSER", user);
  }
});

test("the dead-letter stream is bounded: MAXLEN ~ deadLetterMaxLen, 10,000 unless told", async () => {
  const { DEAD_LETTER_MAXLEN } = await import("@platform/contracts/streams");
  assert.equal(DEAD_LETTER_MAXLEN, 10_000);
  const redis = client();
  const consumer = new Consumer(client(), {
    stream: TASKS, group: "g", consumer: "c", blockMs: 10, deadLetterMaxLen: 50,
  });
  await consumer.ensureGroup("0");
  for (let round = 0; round < 6; round++) {
    const pipe = redis.pipeline();
    for (let i = 0; i < 100; i++) pipe.xadd(streamKey(TASKS), "*", "envelope", "{}");
    await pipe.exec();
    assert.equal((await consumer.runOnce()).deadLettered, 100);
  }
  // approximate trimming removes whole nodes (100 entries by default): 50 stay at least
  const length = await redis.xlen(deadLetterKey(TASKS));
  assert.ok(length >= 50 && length <= 150, `${length} dead letters`);
});

test("oversized, too deep and unhandled entries are dead-lettered too", async () => {
  const redis = client();
  const consumer = new Consumer(client(), {
    stream: EVENTS, group: "g", consumer: "c", blockMs: 50, limits: { maxBytes: 2000, maxDepth: 8 },
  });
  await consumer.ensureGroup("0");
  consumer.on("agent.task.progress", 1, () => {});
  const key = streamKey(EVENTS);
  const deep = { task_id: TASK.task_id, note: [[[[[[[[[[1]]]]]]]]]] };
  const big = { pad: "x".repeat(3000) };
  await redis.xadd(key, "*", "envelope", envelopeFor("agent.task.failed", 1, big));
  await redis.xadd(key, "*", "envelope", envelopeFor("agent.task.failed", 1, deep));
  await redis.xadd(key, "*", "envelope", envelopeFor("agent.task.accepted", 1, {
    task_id: TASK.task_id, agent_id: "invoice-extractor", worker_id: "w:1", attempt: 1,
    accepted_at: "2025-03-14T08:26:54.120Z",
  }));
  assert.deepEqual(await consumer.runOnce(), { handled: 0, deadLettered: 3, failed: 0 });
  const dead = await deadLetters(redis, EVENTS);
  assert.deepEqual(dead.map((d) => d["dlq.reason"]), ["invalid", "invalid", "no-handler"]);
  assert.match(JSON.parse(dead[0]["dlq.errors"])[0].expected, /at most 2000 bytes/);
  assert.match(JSON.parse(dead[1]["dlq.errors"])[0].expected, /nesting depth at most 8/);
  assert.equal(await pending(redis, EVENTS, "g"), 0);
});

test("the publisher refuses what its consumers would: size and nesting limits", async () => {
  const redis = client();
  const publisher = new Publisher(redis, { source: "node/test", limits: { maxBytes: 600, maxDepth: 4 } });
  const big = { ...TASK, instruction: "x".repeat(700) };
  await assert.rejects(publisher.publish(TASKS, "agent.task.requested", 1, big), (error) => {
    assert.ok(error instanceof ContractViolation);
    assert.equal(error.contract, "envelope.v1.json");
    assert.deepEqual(error.where, { stream: TASKS });
    assert.equal(error.violations[0].expected, "at most 600 bytes");
    assert.match(error.violations[0].got, /^\d+ bytes$/);
    return true;
  });
  const deep = { ...TASK, input: { a: { b: { c: 1 } } } };
  await assert.rejects(publisher.publish(TASKS, "agent.task.requested", 1, deep), (error) => {
    assert.equal(error.violations[0].expected, "nesting depth at most 4");
    assert.equal(error.violations[0].got, "depth 5");
    return true;
  });
  await assert.rejects(publisher.publishMany(TASKS, [
    { type: "agent.task.requested", version: 1, data: TASK },
    { type: "agent.task.requested", version: 1, data: big },
  ]), (error) => error instanceof ContractViolation && error.where.item === 1);
  assert.equal(await redis.exists(streamKey(TASKS)), 0); // nothing written
  await publisher.publish(TASKS, "agent.task.requested", 1, TASK);
  assert.equal(await redis.xlen(streamKey(TASKS)), 1);
});

test("a group's retry stream is read beside the stream and acked there", async () => {
  const redis = client();
  const consumer = new Consumer(client(), { stream: TASKS, group: "g", consumer: "c", blockMs: 50 });
  await consumer.ensureGroup("$");
  const retry = retryKey(TASKS, "g");
  assert.equal(retry, "stream:{agent.tasks}:retry:g");
  const seen = [];
  consumer.on("agent.task.requested", 1, (data, message) => seen.push(message.entryId));
  // A replay (contracts dlq replay) writes to the retry stream; the group reads it from 0.
  const replayed = await redis.xadd(retry, "*", "envelope",
    envelopeFor("agent.task.requested", 1, TASK), "replay.of", "1-1");
  const fresh = await redis.xadd(streamKey(TASKS), "*", "envelope",
    envelopeFor("agent.task.requested", 1, TASK));
  assert.deepEqual(await consumer.runOnce(), { handled: 2, deadLettered: 0, failed: 0 });
  assert.deepEqual(seen.sort(), [fresh, replayed].sort());
  assert.equal(Number((await redis.xpending(retry, "g"))[0]), 0);
  assert.equal(await pending(redis, TASKS, "g"), 0);
  // Another group never sees the retry stream of "g".
  const other = new Consumer(client(), { stream: TASKS, group: "h", consumer: "c", blockMs: 10 });
  await other.ensureGroup("0");
  const theirs = [];
  other.on("agent.task.requested", 1, (data, message) => theirs.push(message.entryId));
  await other.runOnce();
  assert.deepEqual(theirs, [fresh]);
  await redis.del(retryKey(TASKS, "h"));
});

test("entries trimmed while pending are dead-lettered as trimmed, by their ids", async (t) => {
  const warn = t.mock.method(console, "warn", () => {});
  const redis = client();
  const publisher = new Publisher(redis, { source: "node/test" });
  const consumer = new Consumer(client(), {
    stream: TASKS, group: "g", consumer: "c", blockMs: 10, claimIdleMs: 0, claimEveryMs: 0,
    ...quiet,
  });
  await consumer.ensureGroup("$");
  consumer.on("agent.task.requested", 1, () => {
    throw new Error("not now");
  });
  const ids = [];
  for (let i = 0; i < 3; i++) ids.push(await publisher.publish(TASKS, "agent.task.requested", 1, TASK));
  assert.deepEqual(await consumer.runOnce(), { handled: 0, deadLettered: 0, failed: 3 });
  await redis.xtrim(streamKey(TASKS), "MAXLEN", 0);
  assert.deepEqual(await consumer.runOnce(), { handled: 0, deadLettered: 3, failed: 0 });
  const dead = await deadLetters(redis, TASKS);
  assert.deepEqual(dead.map((d) => d["dlq.reason"]), ["trimmed", "trimmed", "trimmed"]);
  assert.deepEqual(dead.map((d) => d["dlq.entry_id"]).sort(), [...ids].sort());
  assert.deepEqual(dead.map((d) => d["dlq.errors"]), ["[]", "[]", "[]"]);
  assert.equal(dead[0].envelope, undefined); // the payload is gone
  assert.equal(await pending(redis, TASKS, "g"), 0);
  assert.equal(warn.mock.callCount(), 3);
});

test("a dead letter lists at most 100 violations and counts the rest", async () => {
  const redis = client();
  const consumer = new Consumer(client(), { stream: TASKS, group: "g", consumer: "c", blockMs: 50 });
  await consumer.ensureGroup("0");
  consumer.on("agent.task.requested", 1, () => {});
  const extra = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`x${i}`, i]));
  await redis.xadd(streamKey(TASKS), "*", "envelope",
    envelopeFor("agent.task.requested", 1, { ...TASK, ...extra }));
  assert.deepEqual(await consumer.runOnce(), { handled: 0, deadLettered: 1, failed: 0 });
  const [dead] = await deadLetters(redis, TASKS);
  const errors = JSON.parse(dead["dlq.errors"]);
  assert.equal(errors.length, 100);
  assert.equal(dead["dlq.errors_omitted"], "50");
  assert.equal(errors[0].pointer, "/data/x0"); // sorted by pointer, as in Python
});

test("1e400 on an integer field is invalid (JSON.parse makes it Infinity)", async () => {
  const redis = client();
  const consumer = new Consumer(client(), { stream: EVENTS, group: "g", consumer: "c", blockMs: 50 });
  await consumer.ensureGroup("0");
  consumer.on("agent.task.progress", 1, () => {});
  const progress = {
    task_id: TASK.task_id, sequence: "@@", stage: "planning", percent: 5,
    reported_at: "2025-03-14T08:00:00Z",
  };
  const raw = envelopeFor("agent.task.progress", 1, progress).replace('"@@"', "1e400");
  await redis.xadd(streamKey(EVENTS), "*", "envelope", raw);
  assert.deepEqual(await consumer.runOnce(), { handled: 0, deadLettered: 1, failed: 0 });
  const [dead] = await deadLetters(redis, EVENTS);
  assert.deepEqual(JSON.parse(dead["dlq.errors"]),
    [{ pointer: "/data/sequence", expected: "an integer", got: "Infinity" }]);
});

test("another fingerprint is counted, warned about once, and handled", async (t) => {
  const warn = t.mock.method(console, "warn", () => {});
  const redis = client();
  const options = { stream: TASKS, group: "g", consumer: "c", blockMs: 50 };
  const consumer = new Consumer(client(), options);
  await consumer.ensureGroup("0");
  const matches = [];
  consumer.on("agent.task.requested", 1, (_, message) => matches.push(message.fingerprintMatches));
  const other = `sha256:${"a".repeat(64)}`;
  for (let i = 0; i < 3; i++) {
    await redis.xadd(streamKey(TASKS), "*", "envelope",
      envelopeFor("agent.task.requested", 1, TASK, { fingerprint: other }));
  }
  assert.deepEqual(await consumer.runOnce(), { handled: 3, deadLettered: 0, failed: 0 });
  assert.deepEqual(matches, [false, false, false]);
  assert.deepEqual([...consumer.drift], [[`agent.task.requested@1:${other}`, 3]]);
  assert.equal(warn.mock.callCount(), 1);
});

test("traced: each message's process span is its producer's child, current in its handler;" +
  " durations in seconds, one mean per contract and outcome", async (t) => {
  const api = await import("@opentelemetry/api");
  const { AsyncLocalStorageContextManager } = await import("@opentelemetry/context-async-hooks");
  const { W3CTraceContextPropagator } = await import("@opentelemetry/core");
  const { MeterProvider, MetricReader } = await import("@opentelemetry/sdk-metrics");
  const { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } =
    await import("@opentelemetry/sdk-trace-base");
  const { Telemetry } = await import("@platform/contracts/telemetry");
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  t.after(() => {
    api.context.disable();
    api.propagation.disable();
  });
  class Reader extends MetricReader {
    async onForceFlush() {}
    async onShutdown() {}
  }
  const reader = new Reader();
  const exporter = new InMemorySpanExporter();
  const telemetry = new Telemetry({
    tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
    meterProvider: new MeterProvider({ readers: [reader] }),
  });
  const redis = client();
  const consumer = new Consumer(client(), {
    stream: TASKS, group: "g", consumer: "c", blockMs: 50, telemetry, ...quiet,
  });
  await consumer.ensureGroup("0");
  // two messages of one producer span (the consumer extracts it once), then another
  const traceId = "0af7651916cd43dd8448eb211c80319c";
  const parents = ["b7ad6b7169203331", "b7ad6b7169203331", "00f067aa0ba902b7"];
  for (const parent of parents) {
    const trace = { traceparent: `00-${traceId}-${parent}-01` };
    await redis.xadd(streamKey(TASKS), "*", "envelope",
      envelopeFor("agent.task.requested", 1, TASK, { trace }));
  }
  const active = [];
  consumer.on("agent.task.requested", 1, () => {
    active.push(api.trace.getActiveSpan()?.spanContext().spanId);
    const until = performance.now() + 20;
    while (performance.now() < until); // 20 ms in each handler call
    if (active.length === 2) throw new Error("boom");
  });
  assert.deepEqual(await consumer.runOnce(), { handled: 2, deadLettered: 0, failed: 1 });

  const spans = exporter.getFinishedSpans().filter((s) => s.name === `process ${TASKS}`);
  assert.deepEqual(spans.map((s) => s.parentSpanContext?.spanId), parents);
  assert.ok(spans.every((s) => s.spanContext().traceId === traceId));
  assert.deepEqual(active, spans.map((s) => s.spanContext().spanId));
  assert.deepEqual(spans.map((s) => s.attributes["error.type"]), [undefined, "Error", undefined]);
  assert.deepEqual(spans[0].attributes, {
    "messaging.system": "redis",
    "messaging.destination.name": TASKS,
    "messaging.operation.type": "process",
    "messaging.operation.name": "process",
    "messaging.consumer.group.name": "g",
    "messaging.message.id": "0b9e6f3c-8d1a-4c57-9a3e-2f6d1c4b7a10",
  });

  const { resourceMetrics } = await reader.collect();
  const points = (name) => resourceMetrics.scopeMetrics.flatMap((s) => s.metrics)
    .filter((m) => m.descriptor.name === name).flatMap((m) => m.dataPoints);
  const contract = "agent.task.requested.v1";
  const handling = new Map(points("contracts.handler.duration")
    .map((p) => [p.attributes["error.type"] ?? "", p]));
  assert.deepEqual([...handling.keys()].sort(), ["", "Error"]);
  for (const p of handling.values()) {
    assert.equal(p.attributes.contract, contract);
    assert.equal(p.value.count, 1); // one value per batch, contract and outcome
    // the mean per message in seconds (each call spun 20 ms), not milliseconds
    assert.ok(p.value.sum >= 0.02 && p.value.sum < 10, `${p.value.sum}`);
  }
  const [validating] = points("contracts.validation.duration");
  assert.deepEqual(validating.attributes, { contract });
  assert.equal(validating.value.count, 2);
  assert.ok(validating.value.sum > 0 && validating.value.sum < 0.02, `${validating.value.sum}`);
});

test("a handler that always throws ends in the dead-letter stream after maxDeliveries",
  async () => {
    const redis = client();
    const publisher = new Publisher(redis, { source: "node/test" });
    const consumer = new Consumer(client(), {
      stream: TASKS, group: "g", consumer: "c", blockMs: 10, claimIdleMs: 50, maxDeliveries: 3,
      ...quiet,
    });
    await consumer.ensureGroup("$");
    const deliveries = [];
    consumer.on("agent.task.requested", 1, (_, message) => {
      deliveries.push(message.deliveries);
      throw new Error("boom");
    });
    const entryId = await publisher.publish(TASKS, "agent.task.requested", 1, TASK);
    const totals = { handled: 0, deadLettered: 0, failed: 0 };
    const deadline = Date.now() + 10_000;
    while (totals.deadLettered === 0 && Date.now() < deadline) {
      const result = await consumer.runOnce();
      for (const k of Object.keys(totals)) totals[k] += result[k];
      await new Promise((done) => setTimeout(done, 20));
    }
    assert.deepEqual(totals, { handled: 0, deadLettered: 1, failed: 3 });
    assert.deepEqual(deliveries, [1, 2, 3]);
    const [dead] = await deadLetters(redis, TASKS);
    assert.equal(dead["dlq.reason"], "delivery-limit");
    assert.equal(dead["dlq.entry_id"], entryId);
    assert.equal(dead["dlq.deliveries"], "4");
    assert.deepEqual(JSON.parse(dead["dlq.errors"]), [{ error: "Error: boom" }]);
    assert.equal(await pending(redis, TASKS, "g"), 0);
  });

test("a consumer recovers when its group or stream vanishes mid-run", async () => {
  const redis = client();
  const publisher = new Publisher(redis, { source: "node/test" });
  const options = { stream: TASKS, group: "g", consumer: "c", blockMs: 20 };
  const consumer = new Consumer(client(), options);
  await consumer.ensureGroup("$");
  const seen = new Set();
  consumer.on("agent.task.requested", 1, (data) => {
    seen.add(data.instruction);
  });
  const abort = new AbortController();
  const running = consumer.run(abort.signal);
  const until = (what) => waitFor(() => seen.has(what));
  await publisher.publish(TASKS, "agent.task.requested", 1, { ...TASK, instruction: "before" });
  await until("before");
  await redis.xgroup("DESTROY", streamKey(TASKS), "g");
  await publisher.publish(TASKS, "agent.task.requested", 1, { ...TASK, instruction: "destroyed" });
  await until("destroyed");
  await redis.del(streamKey(TASKS));
  await new Promise((done) => setTimeout(done, 50));
  await publisher.publish(TASKS, "agent.task.requested", 1, { ...TASK, instruction: "deleted" });
  await until("deleted");
  abort.abort();
  await running;
  assert.equal(await pending(redis, TASKS, "g"), 0);
});

test("a consumer rides out a Redis restart (connection lost, stream gone)",
  { skip: process.env.REDIS_URL !== undefined && "restarts a redis-server of its own" },
  async (t) => {
    const warn = t.mock.method(console, "warn", () => {});
    const port = await freePort();
    let own = await startServer(port);
    own.clients = [];
    const connect = () => {
      const options = { maxRetriesPerRequest: 2, retryStrategy: () => 50 };
      const redis = new Redis(port, "127.0.0.1", options);
      redis.on("error", () => {}); // refused while the server is down
      own.clients.push(redis);
      return redis;
    };
    const publisher = new Publisher(connect(), { source: "node/test" });
    const options = { stream: TASKS, group: "g", consumer: "c", blockMs: 20 };
    const consumer = new Consumer(connect(), options);
    await consumer.ensureGroup("$");
    const seen = new Set();
    consumer.on("agent.task.requested", 1, (data) => {
      seen.add(data.instruction);
    });
    const abort = new AbortController();
    const running = consumer.run(abort.signal);
    try {
      await publisher.publish(TASKS, "agent.task.requested", 1, { ...TASK, instruction: "one" });
      await waitFor(() => seen.has("one"));
      await own.stop();
      await new Promise((done) => setTimeout(done, 300));
      own = { ...(await startServer(port)), clients: own.clients };
      await publisher.publish(TASKS, "agent.task.requested", 1, { ...TASK, instruction: "two" });
      await waitFor(() => seen.has("two"));
      const warned = warn.mock.calls.map((call) => String(call.arguments[0]));
      assert.ok(warned.some((line) => line.endsWith("retrying")), warned.join("\n"));
    } finally {
      abort.abort();
      await running;
      for (const redis of own.clients) redis.disconnect();
      await own.stop();
    }
  });

test("the declarations type-check with tsc --strict", async () => {
  const tsc = join(HERE, "node_modules", "typescript", "bin", "tsc");
  const run = promisify(execFile);
  const result = await run(process.execPath, [tsc, "-p", join(HERE, "tsconfig.json")]).catch(
    (error) => error,
  );
  assert.equal(result.code ?? 0, 0, `${result.stdout}${result.stderr}`);
});
