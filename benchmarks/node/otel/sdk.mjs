// Preloaded (node --import) in the SDK mode of benchmarks/node/telemetry.mjs: the
// OpenTelemetry SDK registered globally, spans through a batch processor into an
// exporter that drops them, metrics into a reader that is never collected, and the
// W3C propagators (trace context and baggage) that NodeSDK and the Python API
// register by default: without them the API's propagator is a no-op, publish puts
// no `trace` in the envelope and a consumer starts no `process` span, so the SDK
// mode would not measure what a traced service pays.
import * as api from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from "@opentelemetry/core";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";

class Dropping {
  export(_spans, done) {
    done({ code: 0 });
  }
  shutdown() {
    return Promise.resolve();
  }
}

class Idle extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

api.context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
api.propagation.setGlobalPropagator(
  new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  }),
);
api.trace.setGlobalTracerProvider(
  new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new Dropping())] }),
);
api.metrics.setGlobalMeterProvider(new MeterProvider({ readers: [new Idle()] }));
