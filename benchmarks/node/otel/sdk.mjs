// Preloaded (node --import) in the SDK mode of benchmarks/node/telemetry.mjs: the
// OpenTelemetry SDK registered globally, spans through a batch processor into an
// exporter that drops them, metrics into a reader that is never collected.
import * as api from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
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
api.trace.setGlobalTracerProvider(
  new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(new Dropping())] }),
);
api.metrics.setGlobalMeterProvider(new MeterProvider({ readers: [new Idle()] }));
