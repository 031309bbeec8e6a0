// The Node half of the HTTP demo: calls the Python agent service's startAgentRun.
//   node http_client.mjs BASE_URL
import { ContractViolation } from "@platform/contracts";
import { createClient } from "@platform/contracts/http";

const [baseUrl] = process.argv.slice(2);
const client = createClient({ baseUrl });

const answer = await client.call("startAgentRun", {
  params: { agent_id: "invoice-extractor" },
  body: { agent_id: "invoice-extractor", input: { document_url: "https://x.example/1.pdf" } },
});
if (answer.status === 202) {
  // `answer.data` is narrowed to AgentRunAccepted.
  console.log(`node calls POST startAgentRun: 202, run ${answer.data.run_id.slice(0, 8)}…`,
    `queued at ${answer.data.queued_at}`);
}

try {
  await client.call("startAgentRun", {
    params: { agent_id: "invoice-extractor" },
    body: { agent_id: "invoice-extractor", input: {}, priority: "urgent" },
  });
} catch (err) {
  if (!(err instanceof ContractViolation)) throw err;
  console.log(`node refuses to send a bad request:\n  ${err.violations.map(
    (v) => `${v.pointer}: expected ${v.expected}, got ${v.got}`).join("\n  ")}`);
}

const raw = await fetch(`${baseUrl}/v1/agents/invoice-extractor/runs`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ agent_id: "invoice-extractor", input: "not an object" }),
});
const problem = await raw.json();
console.log(`a hand-written bad request gets ${raw.status} ${raw.headers.get("content-type")}:`,
  `${problem.title}; ${problem.errors.map((e) => `${e.pointer}: expected ${e.expected}`).join("; ")}`);
