// The typed fetch client (@platform/contracts/http) as a Node module uses it:
// `tsc --strict` checks the narrowing and the @ts-expect-error lines (compile-time
// tests); `node --test` runs it against the Express example and against fakes.
import assert from "node:assert/strict";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";

import {
  ContractViolation,
  type AgentRunAccepted,
  type OrderSummary,
  type ProblemDetails,
  type StartAgentRunRequest,
} from "@platform/contracts";
import {
  UndeclaredStatus,
  createClient,
  type FetchLike,
  type FetchResponse,
} from "@platform/contracts/http";

import { createExpressApp } from "../express_app.mjs";
import { BROKEN_ORDER, KNOWN_ORDER } from "../handlers.mjs";

let baseUrl = "";
let close = (): void => {};

before(async () => {
  const server = createExpressApp().listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
after(() => close());

const request: StartAgentRunRequest = {
  agent_id: "invoice-extractor",
  input: { document: "inv-1.pdf" },
  priority: "high",
};

/** A fetch that records what it is asked and answers `status` with `body`. */
function fake(status: number, body: unknown): FetchLike & { calls: Parameters<FetchLike>[] } {
  const calls: Parameters<FetchLike>[] = [];
  const response: FetchResponse = {
    status,
    headers: { get: () => "application/json" },
    arrayBuffer: async () => new TextEncoder().encode(JSON.stringify(body)).buffer as ArrayBuffer,
  };
  return Object.assign(async (...args: Parameters<FetchLike>) => (calls.push(args), response), {
    calls,
  });
}

test("narrowing on the status narrows the body", async () => {
  const client = createClient({ baseUrl });
  const answer = await client.call("lookupOrder", { params: { order_id: KNOWN_ORDER } });
  switch (answer.status) {
    case 200: {
      const summary: OrderSummary = answer.data;
      assert.equal(summary.item_count, 3);
      assert.equal(summary.total.currency, "EUR");
      // @ts-expect-error an OrderSummary has no `title`: only the 404 body has
      void answer.data.title;
      break;
    }
    case 404: {
      const problem: ProblemDetails = answer.data;
      assert.fail(problem.title);
      break;
    }
    default: {
      const unreachable: never = answer;
      throw new Error(String(unreachable));
    }
  }
  const missing = await client.call("lookupOrder", { params: { order_id: "unknown" } });
  assert.equal(missing.status, 404);
  if (missing.status === 404) assert.equal(missing.data.title, "Not Found");
});

test("a request body is typed and answered with the contract of its status", async () => {
  const client = createClient({ baseUrl, headers: { "x-caller": "node:billing" } });
  const params = { agent_id: "invoice-extractor" };
  const accepted = await client.call("startAgentRun", { params, body: request });
  assert.equal(accepted.status, 202);
  if (accepted.status === 202) {
    const run: AgentRunAccepted = accepted.data;
    assert.equal(run.status, "accepted");
    assert.equal(run.estimated_seconds, 2);
  }
  const other = { params: { agent_id: "support-triage" }, body: request };
  const mismatch = await client.call("startAgentRun", other);
  assert.equal(mismatch.status, 422);
  if (mismatch.status === 422) assert.match(mismatch.data.type, /agent-id-mismatch$/);
});

test("a body that breaks the contract is refused and nothing is sent", async () => {
  const spy = fake(202, {});
  const client = createClient({ baseUrl: "http://nowhere.invalid", fetch: spy });
  const bad = JSON.parse('{"agent_id": "x", "input": [], "priority": "urgent"}') as StartAgentRunRequest;
  await assert.rejects(
    client.call("startAgentRun", { params: { agent_id: "x" }, body: bad }),
    (error: unknown) => {
      assert.ok(error instanceof ContractViolation);
      assert.equal(error.contract, "http/start_agent_run_request.v1.json");
      assert.deepEqual(
        error.violations.map((v) => v.pointer),
        ["/agent_id", "/input", "/priority"],
      );
      assert.equal(error.where["operation"], "startAgentRun");
      return true;
    },
  );
  assert.equal(spy.calls.length, 0);
});

test("an undeclared status and a bad answer are errors", async () => {
  const client = createClient({ baseUrl });
  await assert.rejects(
    client.call("lookupOrder", { params: { order_id: BROKEN_ORDER } }),
    (error: unknown) => {
      assert.ok(error instanceof UndeclaredStatus);
      assert.equal(error.status, 500); // the strict server refused to send the breach
      assert.equal(error.message, "lookupOrder answered 500, which it does not declare (200, 404)");
      return true;
    },
  );
  const liar = createClient({ baseUrl, fetch: fake(200, { order_id: KNOWN_ORDER }) });
  await assert.rejects(liar.call("lookupOrder", { params: { order_id: KNOWN_ORDER } }), (error: unknown) => {
    assert.ok(error instanceof ContractViolation);
    assert.equal(error.contract, "http/order_summary.v1.json");
    assert.equal(error.where["status"], 200);
    assert.equal(error.violations.length, 5); // every missing required property
    return true;
  });
});

test("URL, method and headers: parameters encoded, call headers win", async () => {
  const spy = fake(404, { type: "about:blank", title: "Not Found", status: 404 });
  const client = createClient({
    baseUrl: "http://orders.internal/",
    fetch: spy,
    headers: { authorization: "Bearer a", "x-team": "billing" },
  });
  const order_id = "a/b c?d#e!";
  await client.call("lookupOrder", { params: { order_id }, headers: { authorization: "Bearer b" } });
  const [url, init] = spy.calls[0]!;
  assert.equal(url, "http://orders.internal/v1/orders/a%2Fb%20c%3Fd%23e%21");
  assert.equal(init.method, "GET");
  assert.equal(init.body, undefined);
  assert.equal(init.headers["authorization"], "Bearer b");
  assert.equal(init.headers["x-team"], "billing");
  await client.call("startAgentRun", { params: { agent_id: "abc" }, body: { ...request, agent_id: "abc" } });
  const [, post] = spy.calls[1]!;
  assert.equal(post.headers["content-type"], "application/json");
  assert.deepEqual(JSON.parse(post.body ?? ""), { ...request, agent_id: "abc" });
});

// Compile-time tests only: tsc must refuse each marked line (never called).
export async function compileTimeOnly(): Promise<void> {
  const client = createClient({ baseUrl });
  // @ts-expect-error startAgentRun needs a body
  await client.call("startAgentRun", { params: { agent_id: "a" } });
  // @ts-expect-error lookupOrder takes no body
  await client.call("lookupOrder", { params: { order_id: "a" }, body: request });
  // @ts-expect-error the path parameter is required
  await client.call("lookupOrder", { params: {} });
  // @ts-expect-error no such operation
  await client.call("deleteEverything", {});
  const answer = await client.call("lookupOrder", { params: { order_id: "a" } });
  // @ts-expect-error 418 is not a status lookupOrder declares
  if (answer.status === 418) return;
  // @ts-expect-error priority is "low" | "normal" | "high"
  const wrong: StartAgentRunRequest = { agent_id: "a", input: {}, priority: "urgent" };
  void wrong;
}
