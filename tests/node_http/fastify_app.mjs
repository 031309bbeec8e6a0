// A Fastify 5 server with the same checks as express_app.mjs. Fastify's own JSON
// parser is replaced by one that keeps the raw bytes, so that the validator answers
// bad content types, sizes and syntax with the same problem documents as Python.
import Fastify from "fastify";

import { responseProblem, validateRequest, validateResponse } from "@platform/contracts/http";

import { PROBLEM_TYPE, lookupOrder, startRun } from "./handlers.mjs";

const describe = (v) => `${v.pointer || "/"}: expected ${v.expected}, got ${v.got}`;

function answer(request, reply, operationId, { status, body, contentType }) {
  const check = validateResponse(operationId, status, body, { contentType });
  if (check.ok) return reply.code(status).type(contentType).send(JSON.stringify(body));
  const reason = check.violations.map(describe).join("; ");
  request.log.error(`response of ${operationId} (status ${status}) breaks its contract: ${reason}`);
  const path = request.url.split("?", 1)[0];
  return reply.code(500).type(PROBLEM_TYPE).send(JSON.stringify(responseProblem(path)));
}

export function createFastifyApp(options = {}) {
  const app = Fastify({ bodyLimit: 16 << 20, ...options });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));

  app.post("/v1/agents/:agent_id/runs", async (request, reply) => {
    const path = request.url.split("?", 1)[0];
    const checked = validateRequest("startAgentRun", {
      contentType: request.headers["content-type"],
      contentLength: request.headers["content-length"],
      body: request.body,
      instance: path,
    });
    if (!checked.ok) {
      return reply.code(checked.status).type(PROBLEM_TYPE).send(JSON.stringify(checked.problem));
    }
    return answer(request, reply, "startAgentRun", startRun(request.params, checked.body, path));
  });

  app.get("/v1/orders/:order_id", async (request, reply) =>
    answer(request, reply, "lookupOrder", lookupOrder(request.params)),
  );
  return app;
}
