// An Express 5 server that checks requests and responses with the generated
// package's framework-neutral validator (@platform/contracts/http), strict mode:
// a response that breaks its contract becomes a 500 problem and is never sent.
// `node express_app.mjs PORT` serves on 127.0.0.1:PORT and prints "listening PORT".
import express from "express";

import { responseProblem, validateRequest, validateResponse } from "@platform/contracts/http";

import { PROBLEM_TYPE, lookupOrder, startRun } from "./handlers.mjs";

const describe = (v) => `${v.pointer || "/"}: expected ${v.expected}, got ${v.got}`;

function send(res, status, contentType, body) {
  res.status(status).set("content-type", contentType).end(JSON.stringify(body));
}

/** Sends a handler's answer after checking it against the operation's contracts. */
function answer(req, res, operationId, { status, body, contentType }) {
  const check = validateResponse(operationId, status, body, { contentType });
  if (check.ok) return send(res, status, contentType, body);
  const reason = check.violations.map(describe).join("; ");
  console.error(`response of ${operationId} ${req.path} (status ${status}) breaks its contract: ${reason}`);
  send(res, 500, PROBLEM_TYPE, responseProblem(req.path));
}

export function createExpressApp() {
  const app = express();
  app.disable("x-powered-by");
  // The raw bytes, whatever the content type: the validator checks type, size and JSON.
  const raw = express.raw({ type: () => true, limit: "16mb" });

  app.post("/v1/agents/:agent_id/runs", raw, (req, res) => {
    const checked = validateRequest("startAgentRun", {
      contentType: req.get("content-type"),
      contentLength: req.get("content-length"),
      body: req.body,
      instance: req.path,
    });
    if (!checked.ok) return send(res, checked.status, PROBLEM_TYPE, checked.problem);
    answer(req, res, "startAgentRun", startRun(req.params, checked.body, req.path));
  });

  app.get("/v1/orders/:order_id", (req, res) => {
    answer(req, res, "lookupOrder", lookupOrder(req.params));
  });

  app.get("/health", (_req, res) => res.json({ ok: true }));
  return app;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.argv[2] ?? 0);
  const server = createExpressApp().listen(port, "127.0.0.1", () => {
    console.log(`listening ${server.address().port}`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
