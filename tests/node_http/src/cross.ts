// Node -> Python: `node dist/cross.js BASE_URL` calls the Python sample agent service
// (tests/http_app.py under uvicorn) with the typed fetch client and prints what it
// got as JSON, read through the narrowed types (run by tests/test_http_cross.py).
import { readFileSync } from "node:fs";

import { ContractViolation, parseStartAgentRunRequest } from "@platform/contracts";
import { createClient } from "@platform/contracts/http";

const baseUrl = process.argv[2];
if (baseUrl === undefined) throw new Error("usage: node dist/cross.js BASE_URL");
const sample = new URL("../../samples/http/start_agent_run_request.v1/valid-full.json", import.meta.url);
const body = parseStartAgentRunRequest(JSON.parse(readFileSync(sample, "utf8")));
const client = createClient({ baseUrl });
const results: Record<string, unknown>[] = [];

for (const agent_id of [body.agent_id, "missing"]) {
  const answer = await client.call("startAgentRun", { params: { agent_id }, body });
  switch (answer.status) {
    case 202: {
      const { run_id, status, queued_at, estimated_seconds } = answer.data;
      results.push({ agent_id, answered: 202, run_id, status, queued_at, estimated_seconds });
      break;
    }
    case 400:
    case 404:
    case 422:
      results.push({ agent_id, answered: answer.status, title: answer.data.title });
      break;
  }
}

try {
  const bad = { ...body, priority: "urgent" } as unknown as typeof body;
  await client.call("startAgentRun", { params: { agent_id: body.agent_id }, body: bad });
  results.push({ refused: false });
} catch (error) {
  if (!(error instanceof ContractViolation)) throw error;
  results.push({ refused: true, pointers: error.violations.map((v) => v.pointer) });
}
process.stdout.write(`${JSON.stringify(results)}\n`);
