// The Node half of `make demo`, a business module using the generated package.
//   node node_service.mjs request     -> prints an agent.task.requested envelope
//   node node_service.mjs read-reply  <- reads the agent's reply envelope on stdin
import { randomUUID } from "node:crypto";

import { ContractViolation, buildEnvelope, readEnvelopeJson } from "@platform/contracts";

const [command] = process.argv.slice(2);

if (command === "request") {
  const envelope = buildEnvelope(
    "agent.task.requested",
    1,
    {
      task_id: randomUUID(),
      agent_id: "invoice-extractor",
      instruction: "Extract the supplier, invoice number and totals.",
      input: { document_url: "https://files.example.com/inv/2025-0312.pdf" },
      requested_at: new Date().toISOString(),
      requested_by: "user:81234",
    },
    { source: "node:billing-module" },
  );
  process.stdout.write(JSON.stringify(envelope));
} else if (command === "read-reply") {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  try {
    const { message, fingerprintMatches } = readEnvelopeJson(Buffer.concat(chunks));
    switch (message.type) {
      case "agent.task.accepted":
        // `message.data` is narrowed to AgentTaskAccepted here.
        console.log(
          `node reads a typed ${message.type} v${message.version}: worker`,
          `${message.data.worker_id}, attempt ${message.data.attempt}`,
          `(fingerprint ${fingerprintMatches ? "matches" : "DIFFERS"})`,
        );
        break;
      default:
        console.log(`node reads ${message.type}`);
    }
  } catch (err) {
    if (!(err instanceof ContractViolation)) throw err;
    console.log(`node refuses the reply:\n${err.message}`);
  }
} else {
  console.error("usage: node node_service.mjs request|read-reply");
  process.exit(2);
}
