// OpenTelemetry for the demo's Node module: the SDK with a console exporter that
// prints one line per finished span, so a trace can be followed across runtimes.
import * as api from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { BasicTracerProvider, SimpleSpanProcessor } from "@opentelemetry/sdk-trace-base";

class LineExporter {
  export(spans, done) {
    for (const s of spans) {
      const c = s.spanContext();
      const parent = s.parentSpanContext?.spanId ?? "-";
      console.log(
        `  span [node]   trace ${c.traceId} ${api.SpanKind[s.kind].padEnd(8)} ` +
          `${s.name.padEnd(24)} id ${c.spanId} parent ${parent}`,
      );
    }
    done({ code: 0 });
  }
  shutdown() {
    return Promise.resolve();
  }
}

export function startTracing() {
  api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  api.propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  api.trace.setGlobalTracerProvider(
    new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(new LineExporter())] }),
  );
  return api.trace.getTracer("billing-module");
}
