// What the Node business module does, whatever the framework: handlers take the
// path parameters and the validated body and return { status, body, contentType }.
// startAgentRun is a Python operation in the catalogue; it is served here too so that
// the request validator has a body to check. lookupOrder is the Node operation.
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";

import { problem } from "@platform/contracts/http";

export const JSON_TYPE = "application/json";
export const PROBLEM_TYPE = "application/problem+json";

const sample = (name) =>
  JSON.parse(readFileSync(new URL(`../samples/http/${name}`, import.meta.url), "utf8"));

/** An order the module knows, and one whose stored record breaks the contract. */
export const KNOWN_ORDER = "7c1e2a4b-5d6f-4a8b-9c0d-1e2f3a4b5c6d";
export const BROKEN_ORDER = "00000000-0000-4000-8000-000000000000";
const known = sample("order_summary.v1/valid-full.json");
const ORDERS = new Map([
  [KNOWN_ORDER, known],
  [BROKEN_ORDER, { ...known, order_id: BROKEN_ORDER, item_count: "3" }],
]);

const notFound = (detail) => ({
  status: 404,
  body: { type: "about:blank", title: "Not Found", status: 404, detail },
  contentType: PROBLEM_TYPE,
});

export function lookupOrder({ order_id }) {
  const order = ORDERS.get(order_id);
  if (order === undefined) return notFound(`no order ${order_id}`);
  return { status: 200, body: order, contentType: JSON_TYPE };
}

export function startRun({ agent_id }, request, instance) {
  if (request.agent_id !== agent_id) {
    const detail = `agent_id ${request.agent_id} differs from the path's ${agent_id}`;
    const body = problem(422, "agent-id-mismatch", "agent_id differs from the path", detail, instance);
    return { status: 422, body, contentType: PROBLEM_TYPE };
  }
  if (agent_id === "missing") return notFound(`no agent ${agent_id}`);
  const accepted = {
    run_id: randomUUID(),
    status: "accepted",
    queued_at: new Date().toISOString(),
    estimated_seconds: request.priority === "high" ? 2 : 12,
  };
  return { status: 202, body: accepted, contentType: JSON_TYPE };
}
