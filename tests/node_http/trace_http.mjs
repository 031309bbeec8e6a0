// Trace context over HTTP between runtimes, for tests/test_telemetry_cross.py. The
// OpenTelemetry SDK records into an in-memory exporter; spans are printed as JSON.
//   node trace_http.mjs client URL BODY_JSON -> one startAgentRun call to URL in a
//                                              root span; prints {status, spans}
//   node trace_http.mjs serve BODY_JSON      -> prints "listening PORT", serves one
//                                              startAgentRun with traced(); prints spans
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

import * as api from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";

import { createClient, traced, validateRequest } from "@platform/contracts/http";

const exporter = new InMemorySpanExporter();
api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
api.trace.setGlobalTracerProvider(
  new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
);
const spans = () =>
  exporter.getFinishedSpans().map((s) => ({
    name: s.name,
    kind: api.SpanKind[s.kind],
    traceId: s.spanContext().traceId,
    spanId: s.spanContext().spanId,
    parent: s.parentSpanContext?.spanId ?? null,
    attributes: s.attributes,
  }));

const [command, ...rest] = process.argv.slice(2);
if (command === "client") {
  const [url, bodyPath] = rest;
  const body = JSON.parse(readFileSync(bodyPath, "utf8"));
  const tracer = api.trace.getTracer("node-test");
  const status = await tracer.startActiveSpan("node request", async (span) => {
    try {
      const client = createClient({ baseUrl: url });
      const answer = await client.call("startAgentRun", { params: { agent_id: "x" }, body });
      return answer.status;
    } finally {
      span.end();
    }
  });
  process.stdout.write(JSON.stringify({ status, spans: spans() }));
} else if (command === "serve") {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const answer = await traced("startAgentRun", req.headers, () => {
        const checked = validateRequest("startAgentRun", {
          contentType: req.headers["content-type"],
          body: Buffer.concat(chunks),
        });
        return checked.ok
          ? {
              status: 202,
              body: {
                run_id: "5b8f2f7e-58c4-4e1b-9a57-2c2f7a0f4b3d",
                status: "accepted",
                queued_at: "2026-11-24T09:30:00Z",
                estimated_seconds: 12,
              },
            }
          : { status: checked.status, body: checked.problem };
      });
      res.writeHead(answer.status, { "content-type": "application/json" });
      res.end(JSON.stringify(answer.body), () => {
        process.stdout.write(`${JSON.stringify({ spans: spans() })}\n`);
        server.close();
      });
    });
  });
  server.listen(0, "127.0.0.1", () => {
    process.stdout.write(`listening ${server.address().port}\n`);
  });
}
