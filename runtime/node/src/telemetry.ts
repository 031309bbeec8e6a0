/**
 * OpenTelemetry traces and metrics for the Node runtime: the twin of
 * runtime/telemetry.py, with the same span names, attributes and metric names
 * (docs/observability.md).
 *
 * Only the API is used (`@opentelemetry/api`, an optional peer dependency of the
 * package); the service chooses the SDK and exporters. Without the API installed, or
 * with it and no SDK registered, every call returns at its first check: no span, no
 * attribute object, no clock read.
 */
import { createRequire } from "node:module";

import type * as OtelApi from "@opentelemetry/api";

type Api = typeof OtelApi;

const api: Api | null = (() => {
  try {
    return createRequire(import.meta.url)("@opentelemetry/api") as Api;
  } catch {
    return null; // the optional peer dependency is not installed
  }
})();

export const SCOPE = "contracts.runtime";
const SYSTEM = "redis";

/** Metric name -> [instrument, unit, description]; the same table as the Python runtime. */
export const METRICS: Readonly<Record<string, readonly [string, string, string]>> = {
  "contracts.messages.published": ["counter", "{message}", "Messages published."],
  "contracts.messages.consumed": ["counter", "{message}", "Messages handled and acknowledged."],
  "contracts.messages.invalid": [
    "counter",
    "{message}",
    "Messages refused by their contract, by contract and reason.",
  ],
  "contracts.messages.dead_lettered": [
    "counter",
    "{message}",
    "Messages moved to a dead-letter stream, by reason.",
  ],
  "contracts.handler.duration": ["histogram", "s", "Time spent in handlers."],
  "contracts.validation.duration": [
    "histogram",
    "s",
    "Time spent validating one message against its contract.",
  ],
  "contracts.consumer.pending": [
    "gauge",
    "{message}",
    "Entries delivered to a group and not yet acknowledged.",
  ],
  "contracts.consumer.lag": [
    "gauge",
    "{message}",
    "Entries in the stream not yet delivered to a group.",
  ],
  "contracts.drift": [
    "counter",
    "{message}",
    "Messages whose contract fingerprint differs from this service's.",
  ],
};

/** The W3C trace context an envelope's `trace` carries. */
export interface TraceContext {
  traceparent: string;
  tracestate?: string;
}

export type Attributes = Record<string, string | number>;

/**
 * A started span (opaque, so that the package's types need no `@opentelemetry/api`):
 * end it with {@link Telemetry.end}; {@link Telemetry.fail} marks it with `error.type`.
 */
export interface SpanHandle {
  readonly span: unknown;
  readonly context: unknown;
}

type Started = SpanScope;

/**
 * The context of a started span: its parent context with the span set, as
 * `api.trace.setSpan(parent, span)` makes it, without copying the parent's entries.
 * The API's contexts copy their Map and make three closures at each `setValue`, about
 * 0.15-0.2 us per consumed message; this one is a pair, read through, and becomes an
 * API context only when something sets or deletes a value in it (the Context interface
 * is the API's: `getValue`, `setValue`, `deleteValue`). It is the handle too.
 */
class SpanScope implements OtelApi.Context {
  readonly span: OtelApi.Span;
  readonly #parent: OtelApi.Context;
  readonly #key: symbol | undefined;

  /** `key`: the API's span key; undefined when `parent` holds the span already. */
  constructor(parent: OtelApi.Context, span: OtelApi.Span, key: symbol | undefined) {
    this.#parent = parent;
    this.span = span;
    this.#key = key;
  }

  /** The context to make current (this one). */
  get context(): OtelApi.Context {
    return this;
  }

  getValue(key: symbol): unknown {
    return key === this.#key ? this.span : this.#parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): OtelApi.Context {
    return this.#flat().setValue(key, value);
  }

  deleteValue(key: symbol): OtelApi.Context {
    return this.#flat().deleteValue(key);
  }

  #flat(): OtelApi.Context {
    return this.#key === undefined ? this.#parent : this.#parent.setValue(this.#key, this.span);
  }
}

/**
 * The key under which the API keeps a context's span, read through the API itself (a
 * probe context records the key `trace.getSpan` asks for) and checked against a context
 * `trace.setSpan` made; undefined if the check fails (then `setSpan` is used).
 */
function spanKey(api: Api): symbol | undefined {
  let asked: symbol | undefined;
  const probe: OtelApi.Context = {
    getValue(key: symbol): unknown {
      asked = key;
      return undefined;
    },
    setValue: () => probe,
    deleteValue: () => probe,
  };
  api.trace.getSpan(probe);
  if (asked === undefined) return undefined;
  const span = api.trace.wrapSpanContext(api.INVALID_SPAN_CONTEXT);
  const made = api.trace.setSpan(api.ROOT_CONTEXT, span);
  return made.getValue(asked) === span && api.trace.getSpan(made) === span ? asked : undefined;
}

const SPAN_KEY: symbol | undefined = api === null ? undefined : spanKey(api);

/** `parent` with `span` as its span: a {@link SpanScope} over it, or over the API's
 * context when the span key could not be read. */
function scope(api: Api, parent: OtelApi.Context, span: OtelApi.Span): Started {
  return SPAN_KEY !== undefined
    ? new SpanScope(parent, span, SPAN_KEY)
    : new SpanScope(api.trace.setSpan(parent, span), span, undefined);
}

export interface TelemetryOptions {
  /** A TracerProvider (tests, several SDKs in one process); default: the global one. */
  tracerProvider?: unknown;
  /** A MeterProvider; default: the global one. */
  meterProvider?: unknown;
}

type Kind = "PRODUCER" | "CONSUMER" | "CLIENT" | "SERVER";

const GAUGES = ["contracts.consumer.pending", "contracts.consumer.lag"] as const;

function isNoop(provider: unknown, name: string): boolean {
  const delegate =
    (provider as { getDelegate?: () => unknown } | null)?.getDelegate?.() ?? provider;
  return (delegate as { constructor?: { name?: string } } | null)?.constructor?.name === name;
}

/** Spans and metrics of one publisher, consumer or HTTP client/validator. */
export class Telemetry {
  #tracerProvider: OtelApi.TracerProvider | undefined;
  #meterProvider: OtelApi.MeterProvider | undefined;
  #tracer: OtelApi.Tracer | undefined;
  #instruments: Map<string, unknown> | undefined;
  #gauges = new Map<string, Map<string, [Attributes, number]>>(GAUGES.map((g) => [g, new Map()]));
  #processOf: string | undefined;
  #processName = "";
  #lastParent:
    | { traceparent: string | undefined; tracestate: string | undefined; context: OtelApi.Context }
    | undefined;

  constructor(options: TelemetryOptions = {}) {
    this.#tracerProvider = options.tracerProvider as OtelApi.TracerProvider | undefined;
    this.#meterProvider = options.meterProvider as OtelApi.MeterProvider | undefined;
  }

  #getTracer(): OtelApi.Tracer | undefined {
    if (this.#tracer === undefined && api !== null) {
      const provider = this.#tracerProvider ?? api.trace.getTracerProvider();
      if (this.#tracerProvider !== undefined || !isNoop(provider, "NoopTracerProvider")) {
        this.#tracer = provider.getTracer(SCOPE);
      }
    }
    return this.#tracer;
  }

  /** Whether spans are recorded (a tracer provider is registered). */
  get tracing(): boolean {
    return this.#getTracer() !== undefined;
  }

  /** The current span's W3C context, for an envelope's `trace`. */
  inject(): TraceContext | undefined {
    if (this.#getTracer() === undefined || api === null) return undefined;
    const carrier: Record<string, string> = {};
    api.propagation.inject(api.context.active(), carrier);
    if (carrier.traceparent === undefined) return undefined;
    return carrier.tracestate === undefined
      ? { traceparent: carrier.traceparent }
      : { traceparent: carrier.traceparent, tracestate: carrier.tracestate };
  }

  /** Adds `traceparent`/`tracestate` of the current span to HTTP headers. */
  injectHeaders(headers: Record<string, string>): void {
    const trace = this.inject();
    if (trace !== undefined) Object.assign(headers, trace);
  }

  /**
   * Starts a span named `name`; a child of `parent` (a W3C context) when given, else
   * of the active span. Undefined when nothing records.
   */
  start(
    name: string,
    kind: Kind,
    attributes: Attributes,
    parent?: Readonly<Record<string, unknown>>,
  ): SpanHandle | undefined {
    const tracer = this.#getTracer();
    if (tracer === undefined || api === null) return undefined;
    let context = api.context.active();
    if (parent !== undefined) context = this.#extract(api, parent);
    const span = tracer.startSpan(name, { kind: api.SpanKind[kind], attributes }, context);
    return scope(api, context, span);
  }

  /**
   * The context of a W3C trace context (an envelope's `trace`). The last one is kept:
   * the entries of one traced publishMany share theirs, so a consumer extracts it
   * once per batch rather than once per message.
   */
  #extract(api: Api, parent: Readonly<Record<string, unknown>>): OtelApi.Context {
    const traceparent = typeof parent["traceparent"] === "string" ? parent["traceparent"] : undefined;
    const tracestate = typeof parent["tracestate"] === "string" ? parent["tracestate"] : undefined;
    const last = this.#lastParent;
    if (last !== undefined && last.traceparent === traceparent && last.tracestate === tracestate) {
      return last.context;
    }
    const carrier: Record<string, string> = {};
    if (traceparent !== undefined) carrier["traceparent"] = traceparent;
    if (tracestate !== undefined) carrier["tracestate"] = tracestate;
    const context = api.propagation.extract(api.ROOT_CONTEXT, carrier);
    this.#lastParent = { traceparent, tracestate, context };
    return context;
  }

  /** A messaging span `"<operation> <stream>"` with the semantic-convention attributes. */
  messaging(
    operation: "create" | "send" | "receive" | "process" | "settle",
    destination: string,
    extra: { group?: string; messageId?: string; count?: number; parent?: unknown } = {},
  ): SpanHandle | undefined {
    if (this.#getTracer() === undefined) return undefined;
    const attributes: Attributes = {
      "messaging.system": SYSTEM,
      "messaging.destination.name": destination,
      "messaging.operation.type": operation,
      "messaging.operation.name": operation,
    };
    if (extra.group !== undefined) attributes["messaging.consumer.group.name"] = extra.group;
    if (extra.messageId !== undefined) attributes["messaging.message.id"] = extra.messageId;
    if (extra.count !== undefined && extra.count !== 1) {
      attributes["messaging.batch.message_count"] = extra.count;
    }
    const kind: Kind =
      operation === "send" || operation === "create"
        ? "PRODUCER"
        : operation === "settle"
          ? "CLIENT"
          : "CONSUMER";
    const parent =
      extra.parent !== null && typeof extra.parent === "object"
        ? (extra.parent as Record<string, unknown>)
        : undefined;
    return this.start(`${operation} ${destination}`, kind, attributes, parent);
  }

  /**
   * Starts the `process` span of one consumed message, the child of its producer's
   * context `parent` (the envelope's `trace`): the consumer's path per message, so
   * nothing is made here that {@link messaging} would make only to be copied (the
   * name is kept per destination, the attributes are one literal of a fixed shape)
   * and the active context is not read. The tracer's sampler decides, as for any
   * span; the attributes it is given are those the semantic conventions list for
   * sampling (system, destination, operation, consumer group), and the message id,
   * which is not among them, is set only on a span that records (`messageId`, the
   * envelope's id, is made a string only then). A span that does not record still
   * has its context: the handler's publishes carry its trace. Undefined when nothing
   * records.
   */
  process(
    destination: string,
    group: string,
    messageId: unknown,
    parent: Readonly<Record<string, unknown>>,
  ): SpanHandle | undefined {
    const tracer = this.#tracer ?? this.#getTracer();
    if (tracer === undefined || api === null) return undefined;
    if (destination !== this.#processOf) {
      this.#processOf = destination;
      this.#processName = `process ${destination}`;
    }
    const context = this.#extract(api, parent);
    const span = tracer.startSpan(
      this.#processName,
      {
        kind: api.SpanKind.CONSUMER,
        attributes: {
          "messaging.system": SYSTEM,
          "messaging.destination.name": destination,
          "messaging.operation.type": "process",
          "messaging.operation.name": "process",
          "messaging.consumer.group.name": group,
        },
      },
      context,
    );
    if (span.isRecording()) {
      const id = typeof messageId === "string" ? messageId : String(messageId);
      span.setAttribute("messaging.message.id", id);
    }
    return scope(api, context, span);
  }

  /**
   * `fn(a, b)` with `handle`'s span as the active one: {@link within} without a
   * closure per call (a consumer's handler and its message).
   */
  call<A, B, T>(handle: SpanHandle | undefined, fn: (a: A, b: B) => T, a: A, b: B): T {
    if (handle === undefined || api === null) return fn(a, b);
    return api.context.with(handle as Started, fn, undefined, a, b);
  }

  /** Runs `fn` with `handle`'s span as the active one (its spans become children). */
  within<T>(handle: SpanHandle | undefined, fn: () => T): T {
    if (handle === undefined || api === null) return fn();
    return api.context.with(handle as Started, fn);
  }

  /** Marks a span failed with `error.type`. */
  static fail(handle: SpanHandle | undefined, errorType: string): void {
    if (handle === undefined || api === null) return;
    const { span } = handle as Started;
    span.setAttribute("error.type", errorType);
    span.setStatus({ code: api.SpanStatusCode.ERROR });
  }

  static end(handle: SpanHandle | undefined): void {
    (handle as Started | undefined)?.span.end();
  }

  /** Sets an attribute on a started span. */
  static set(handle: SpanHandle | undefined, key: string, value: string | number): void {
    (handle as Started | undefined)?.span.setAttribute(key, value);
  }

  // -- metrics --------------------------------------------------------------------------

  #meters(): Map<string, unknown> | undefined {
    if (this.#instruments === undefined && api !== null) {
      const provider = this.#meterProvider ?? api.metrics.getMeterProvider();
      if (this.#meterProvider === undefined && isNoop(provider, "NoopMeterProvider")) {
        return undefined;
      }
      const meter = provider.getMeter(SCOPE);
      const made = new Map<string, unknown>();
      for (const [name, [kind, unit, description]] of Object.entries(METRICS)) {
        const options = { unit, description };
        if (kind === "counter") made.set(name, meter.createCounter(name, options));
        else if (kind === "histogram") made.set(name, meter.createHistogram(name, options));
        else {
          const gauge = meter.createObservableGauge(name, options);
          const values = this.#gauges.get(name);
          gauge.addCallback((result) => {
            for (const [attributes, value] of values?.values() ?? []) {
              result.observe(value, attributes);
            }
          });
          made.set(name, gauge);
        }
      }
      this.#instruments = made;
    }
    return this.#instruments;
  }

  /** Whether metrics are recorded (a meter provider is registered). */
  get metering(): boolean {
    return this.#meters() !== undefined;
  }

  /** Adds `n` to the counter `name`. */
  count(name: string, attributes: Attributes, n = 1): void {
    const meters = this.#meters();
    if (meters !== undefined && n !== 0) {
      (meters.get(name) as OtelApi.Counter).add(n, attributes);
    }
  }

  /** Records `value` in the histogram `name`. */
  record(name: string, value: number, attributes: Attributes): void {
    const meters = this.#meters();
    if (meters !== undefined) (meters.get(name) as OtelApi.Histogram).record(value, attributes);
  }

  /** The latest pending count and lag of a group, read by the gauges. */
  observeGroup(destination: string, group: string, pending: number, lag?: number): void {
    if (this.#meters() === undefined) return;
    const attributes = {
      "messaging.destination.name": destination,
      "messaging.consumer.group.name": group,
    };
    const key = `${destination}\u0000${group}`;
    this.#gauges.get("contracts.consumer.pending")?.set(key, [attributes, pending]);
    if (lag !== undefined) this.#gauges.get("contracts.consumer.lag")?.set(key, [attributes, lag]);
  }
}
