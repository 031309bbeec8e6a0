// The Express and Fastify examples answer like the Python middleware: each refused
// request gets its status and problem document, a valid one reaches the handler
// typed, and a response that breaks its contract is never sent (strict mode).
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";

import { contract } from "@platform/contracts";
import { PROBLEM_BASE, validateRequest, validateResponse } from "@platform/contracts/http";

import { createExpressApp } from "./express_app.mjs";
import { createFastifyApp } from "./fastify_app.mjs";
import { BROKEN_ORDER, KNOWN_ORDER } from "./handlers.mjs";

const PATH = "/v1/agents/invoice-extractor/runs";
const problemContract = contract("common/problem.json#/$defs/ProblemDetails");
const valid = { agent_id: "invoice-extractor", input: { document: "inv-1.pdf" }, priority: "high" };

const servers = {
  async express() {
    const server = createExpressApp().listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    return { url: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
  },
  async fastify() {
    const app = createFastifyApp({ logger: false });
    await app.listen({ port: 0, host: "127.0.0.1" });
    return { url: `http://127.0.0.1:${app.server.address().port}`, close: () => app.close() };
  },
};

async function problemOf(response, status) {
  assert.equal(response.status, status);
  assert.match(response.headers.get("content-type"), /^application\/problem\+json/);
  const body = problemContract.parseJson(await response.text());
  assert.equal(body.status, status);
  return body;
}

for (const [name, start] of Object.entries(servers)) {
  describe(`${name} with the contract validator`, () => {
    let server;
    before(async () => {
      server = await start();
    });
    after(() => server.close());
    const post = (body, contentType = "application/json") =>
      fetch(server.url + PATH, { method: "POST", headers: { "content-type": contentType }, body });

    test("a bad content type is 415", async () => {
      const p = await problemOf(await post(JSON.stringify(valid), "text/plain"), 415);
      assert.equal(p.type, `${PROBLEM_BASE}unsupported-media-type`);
      assert.equal(p.title, "Unsupported media type");
      assert.equal(p.detail, "startAgentRun takes application/json, got text/plain");
      assert.equal(p.instance, PATH);
    });

    test("malformed JSON is 400", async () => {
      const p = await problemOf(await post('{"agent_id": '), 400);
      assert.equal(p.type, `${PROBLEM_BASE}malformed-json`);
      assert.equal(p.title, "Request body is not valid JSON");
    });

    test("a body nested too deeply is 400", async () => {
      const p = await problemOf(await post("[".repeat(201) + "]".repeat(201)), 400);
      assert.equal(p.type, `${PROBLEM_BASE}nesting-too-deep`);
      assert.equal(p.detail, "nesting depth 201, at most 64");
    });

    test("an oversized body is 413", async () => {
      const p = await problemOf(await post(" ".repeat(1 << 20) + "{}"), 413);
      assert.equal(p.type, `${PROBLEM_BASE}payload-too-large`);
      assert.equal(p.detail, "at most 1048576 bytes, got 1048578");
    });

    test("a body that breaks the contract is 422 with every error", async () => {
      const bad = { ...valid, priority: "urgent", callback_url: "relative/path" };
      const p = await problemOf(await post(JSON.stringify(bad)), 422);
      assert.equal(p.type, `${PROBLEM_BASE}contract-violation`);
      assert.equal(p.title, "Request body breaks the contract");
      assert.equal(p.detail, "2 violation(s) of http/start_agent_run_request.v1.json");
      assert.deepEqual(p.errors.map((e) => e.pointer), ["/callback_url", "/priority"]);
      assert.deepEqual(Object.keys(p.errors[1]), ["pointer", "expected", "got", "message"]);
      const { expected, got, message } = p.errors[1];
      assert.match(expected, /^one of "low", "normal",? (or )?"high"$/);
      assert.equal(got, '"urgent"');
      assert.equal(message, `/priority: expected ${expected}, got "urgent"`);
    });

    test("a valid request reaches the handler and gets a valid 202", async () => {
      const response = await post(JSON.stringify(valid), "application/json; charset=utf-8");
      assert.equal(response.status, 202);
      const accepted = contract("http/agent_run_accepted.v1.json").parseJson(await response.text());
      assert.equal(accepted.estimated_seconds, 2); // the handler saw the typed body
    });

    test("the Node operation answers 200 and 404 by its contracts", async () => {
      const ok = await fetch(`${server.url}/v1/orders/${KNOWN_ORDER}`);
      assert.equal(ok.status, 200);
      contract("http/order_summary.v1.json").parseJson(await ok.text());
      await problemOf(await fetch(`${server.url}/v1/orders/unknown`), 404);
    });

    test("strict mode never sends a response that breaks its contract", async () => {
      const response = await fetch(`${server.url}/v1/orders/${BROKEN_ORDER}`);
      const p = await problemOf(response, 500);
      assert.equal(p.type, `${PROBLEM_BASE}response-contract-violation`);
      assert.doesNotMatch(JSON.stringify(p), /item_count/);
    });
  });
}

describe("validateRequest and validateResponse", () => {
  test("a parsed body is checked too, and the result is the body", () => {
    const ok = validateRequest("startAgentRun", { contentType: "application/json", body: valid });
    assert.deepEqual(ok, { ok: true, body: valid });
    const deep = validateRequest("startAgentRun", {
      contentType: "application/json",
      body: { ...valid, input: JSON.parse("[".repeat(70) + "]".repeat(70)) },
    });
    assert.equal(deep.ok ? 0 : deep.status, 400);
  });

  test("a declared Content-Length over the limit is refused before the body", () => {
    const r = validateRequest("startAgentRun", {
      contentType: "application/vnd.api+json",
      contentLength: "2000000",
      instance: PATH,
    });
    assert.equal(r.ok, false);
    assert.equal(r.status, 413);
    assert.equal(r.problem.detail, "at most 1048576 bytes, got 2000000");
  });

  test("limits can be lowered", () => {
    const r = validateRequest("startAgentRun", {
      contentType: "application/json",
      body: Buffer.from(JSON.stringify(valid)),
      limits: { maxBytes: 10 },
    });
    assert.equal(r.ok ? 0 : r.status, 413);
  });

  test("non-JSON numbers and invalid UTF-8 are malformed", () => {
    for (const body of ['{"agent_id": "abc", "input": {"n": NaN}}', Buffer.from([0x7b, 0xff, 0x7d])]) {
      const r = validateRequest("startAgentRun", { contentType: "application/json", body });
      assert.equal(r.ok ? 0 : r.problem.type, `${PROBLEM_BASE}malformed-json`);
    }
  });

  test("an operation without a request body accepts anything", () => {
    assert.deepEqual(validateRequest("lookupOrder", {}), { ok: true, body: undefined });
  });

  test("responses: undeclared status, not JSON, breach; 5xx passes", () => {
    const summary = { ...contract("http/order_summary.v1.json").parse(sampleOrder()) };
    assert.deepEqual(validateResponse("lookupOrder", 200, summary), { ok: true });
    assert.deepEqual(validateResponse("lookupOrder", 200, JSON.stringify(summary)), { ok: true });
    assert.deepEqual(validateResponse("lookupOrder", 503, "oops"), { ok: true });
    const undeclared = validateResponse("lookupOrder", 201, summary);
    assert.equal(undeclared.ok ? "" : undeclared.violations[0].expected, "a status declared for lookupOrder (200, 404)");
    const text = validateResponse("lookupOrder", 200, summary, { contentType: "text/html" });
    assert.equal(text.ok ? "" : text.violations[0].got, "text/html");
    const bad = validateResponse("lookupOrder", 200, { ...summary, item_count: 0 });
    assert.deepEqual(bad.ok ? [] : bad.violations.map((v) => v.pointer), ["/item_count"]);
  });

  test("an unknown operation is an error, not a verdict", () => {
    assert.throws(() => validateRequest("nope", {}), { name: "UnknownOperation" });
  });
});

function sampleOrder() {
  return {
    order_id: KNOWN_ORDER,
    customer_id: "3f9a1c2e-8b7d-4e6f-a5b4-c3d2e1f0a9b8",
    status: "paid",
    total: { amount: "12.50", currency: "USD" },
    item_count: 1,
    placed_at: "2025-03-14T08:26:53Z",
  };
}
