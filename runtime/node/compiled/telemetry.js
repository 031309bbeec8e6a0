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
const api = (() => {
    try {
        return createRequire(import.meta.url)("@opentelemetry/api");
    }
    catch {
        return null; // the optional peer dependency is not installed
    }
})();
export const SCOPE = "contracts.runtime";
const SYSTEM = "redis";
/** Metric name -> [instrument, unit, description]; the same table as the Python runtime. */
export const METRICS = {
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
/**
 * The context of a started span: its parent context with the span set, as
 * `api.trace.setSpan(parent, span)` makes it, without copying the parent's entries.
 * The API's contexts copy their Map and make three closures at each `setValue`, about
 * 0.15-0.2 us per consumed message; this one is a pair, read through, and becomes an
 * API context only when something sets or deletes a value in it (the Context interface
 * is the API's: `getValue`, `setValue`, `deleteValue`). It is the handle too.
 */
class SpanScope {
    span;
    #parent;
    #key;
    /** `key`: the API's span key; undefined when `parent` holds the span already. */
    constructor(parent, span, key) {
        this.#parent = parent;
        this.span = span;
        this.#key = key;
    }
    /** The context to make current (this one). */
    get context() {
        return this;
    }
    getValue(key) {
        return key === this.#key ? this.span : this.#parent.getValue(key);
    }
    setValue(key, value) {
        return this.#flat().setValue(key, value);
    }
    deleteValue(key) {
        return this.#flat().deleteValue(key);
    }
    #flat() {
        return this.#key === undefined ? this.#parent : this.#parent.setValue(this.#key, this.span);
    }
}
/**
 * The key under which the API keeps a context's span, read through the API itself (a
 * probe context records the key `trace.getSpan` asks for) and checked against a context
 * `trace.setSpan` made; undefined if the check fails (then `setSpan` is used).
 */
function spanKey(api) {
    let asked;
    const probe = {
        getValue(key) {
            asked = key;
            return undefined;
        },
        setValue: () => probe,
        deleteValue: () => probe,
    };
    api.trace.getSpan(probe);
    if (asked === undefined)
        return undefined;
    const span = api.trace.wrapSpanContext(api.INVALID_SPAN_CONTEXT);
    const made = api.trace.setSpan(api.ROOT_CONTEXT, span);
    return made.getValue(asked) === span && api.trace.getSpan(made) === span ? asked : undefined;
}
const SPAN_KEY = api === null ? undefined : spanKey(api);
/** `parent` with `span` as its span: a {@link SpanScope} over it, or over the API's
 * context when the span key could not be read. */
function scope(api, parent, span) {
    return SPAN_KEY !== undefined
        ? new SpanScope(parent, span, SPAN_KEY)
        : new SpanScope(api.trace.setSpan(parent, span), span, undefined);
}
const GAUGES = ["contracts.consumer.pending", "contracts.consumer.lag"];
function isNoop(provider, name) {
    const delegate = provider?.getDelegate?.() ?? provider;
    return delegate?.constructor?.name === name;
}
/** Spans and metrics of one publisher, consumer or HTTP client/validator. */
export class Telemetry {
    #tracerProvider;
    #meterProvider;
    #tracer;
    #instruments;
    #gauges = new Map(GAUGES.map((g) => [g, new Map()]));
    #processOf;
    #processName = "";
    #lastParent;
    constructor(options = {}) {
        this.#tracerProvider = options.tracerProvider;
        this.#meterProvider = options.meterProvider;
    }
    #getTracer() {
        if (this.#tracer === undefined && api !== null) {
            const provider = this.#tracerProvider ?? api.trace.getTracerProvider();
            if (this.#tracerProvider !== undefined || !isNoop(provider, "NoopTracerProvider")) {
                this.#tracer = provider.getTracer(SCOPE);
            }
        }
        return this.#tracer;
    }
    /** Whether spans are recorded (a tracer provider is registered). */
    get tracing() {
        return this.#getTracer() !== undefined;
    }
    /** The current span's W3C context, for an envelope's `trace`. */
    inject() {
        if (this.#getTracer() === undefined || api === null)
            return undefined;
        const carrier = {};
        api.propagation.inject(api.context.active(), carrier);
        if (carrier.traceparent === undefined)
            return undefined;
        return carrier.tracestate === undefined
            ? { traceparent: carrier.traceparent }
            : { traceparent: carrier.traceparent, tracestate: carrier.tracestate };
    }
    /** Adds `traceparent`/`tracestate` of the current span to HTTP headers. */
    injectHeaders(headers) {
        const trace = this.inject();
        if (trace !== undefined)
            Object.assign(headers, trace);
    }
    /**
     * Starts a span named `name`; a child of `parent` (a W3C context) when given, else
     * of the active span. Undefined when nothing records.
     */
    start(name, kind, attributes, parent) {
        const tracer = this.#getTracer();
        if (tracer === undefined || api === null)
            return undefined;
        let context = api.context.active();
        if (parent !== undefined)
            context = this.#extract(api, parent);
        const span = tracer.startSpan(name, { kind: api.SpanKind[kind], attributes }, context);
        return scope(api, context, span);
    }
    /**
     * The context of a W3C trace context (an envelope's `trace`). The last one is kept:
     * the entries of one traced publishMany share theirs, so a consumer extracts it
     * once per batch rather than once per message.
     */
    #extract(api, parent) {
        const traceparent = typeof parent["traceparent"] === "string" ? parent["traceparent"] : undefined;
        const tracestate = typeof parent["tracestate"] === "string" ? parent["tracestate"] : undefined;
        const last = this.#lastParent;
        if (last !== undefined && last.traceparent === traceparent && last.tracestate === tracestate) {
            return last.context;
        }
        const carrier = {};
        if (traceparent !== undefined)
            carrier["traceparent"] = traceparent;
        if (tracestate !== undefined)
            carrier["tracestate"] = tracestate;
        const context = api.propagation.extract(api.ROOT_CONTEXT, carrier);
        this.#lastParent = { traceparent, tracestate, context };
        return context;
    }
    /** A messaging span `"<operation> <stream>"` with the semantic-convention attributes. */
    messaging(operation, destination, extra = {}) {
        if (this.#getTracer() === undefined)
            return undefined;
        const attributes = {
            "messaging.system": SYSTEM,
            "messaging.destination.name": destination,
            "messaging.operation.type": operation,
            "messaging.operation.name": operation,
        };
        if (extra.group !== undefined)
            attributes["messaging.consumer.group.name"] = extra.group;
        if (extra.messageId !== undefined)
            attributes["messaging.message.id"] = extra.messageId;
        if (extra.count !== undefined && extra.count !== 1) {
            attributes["messaging.batch.message_count"] = extra.count;
        }
        const kind = operation === "send" || operation === "create"
            ? "PRODUCER"
            : operation === "settle"
                ? "CLIENT"
                : "CONSUMER";
        const parent = extra.parent !== null && typeof extra.parent === "object"
            ? extra.parent
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
    process(destination, group, messageId, parent) {
        const tracer = this.#tracer ?? this.#getTracer();
        if (tracer === undefined || api === null)
            return undefined;
        if (destination !== this.#processOf) {
            this.#processOf = destination;
            this.#processName = `process ${destination}`;
        }
        const context = this.#extract(api, parent);
        const span = tracer.startSpan(this.#processName, {
            kind: api.SpanKind.CONSUMER,
            attributes: {
                "messaging.system": SYSTEM,
                "messaging.destination.name": destination,
                "messaging.operation.type": "process",
                "messaging.operation.name": "process",
                "messaging.consumer.group.name": group,
            },
        }, context);
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
    call(handle, fn, a, b) {
        if (handle === undefined || api === null)
            return fn(a, b);
        return api.context.with(handle, fn, undefined, a, b);
    }
    /** Runs `fn` with `handle`'s span as the active one (its spans become children). */
    within(handle, fn) {
        if (handle === undefined || api === null)
            return fn();
        return api.context.with(handle, fn);
    }
    /** Marks a span failed with `error.type`. */
    static fail(handle, errorType) {
        if (handle === undefined || api === null)
            return;
        const { span } = handle;
        span.setAttribute("error.type", errorType);
        span.setStatus({ code: api.SpanStatusCode.ERROR });
    }
    static end(handle) {
        handle?.span.end();
    }
    /** Sets an attribute on a started span. */
    static set(handle, key, value) {
        handle?.span.setAttribute(key, value);
    }
    // -- metrics --------------------------------------------------------------------------
    #meters() {
        if (this.#instruments === undefined && api !== null) {
            const provider = this.#meterProvider ?? api.metrics.getMeterProvider();
            if (this.#meterProvider === undefined && isNoop(provider, "NoopMeterProvider")) {
                return undefined;
            }
            const meter = provider.getMeter(SCOPE);
            const made = new Map();
            for (const [name, [kind, unit, description]] of Object.entries(METRICS)) {
                const options = { unit, description };
                if (kind === "counter")
                    made.set(name, meter.createCounter(name, options));
                else if (kind === "histogram")
                    made.set(name, meter.createHistogram(name, options));
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
    get metering() {
        return this.#meters() !== undefined;
    }
    /** Adds `n` to the counter `name`. */
    count(name, attributes, n = 1) {
        const meters = this.#meters();
        if (meters !== undefined && n !== 0) {
            meters.get(name).add(n, attributes);
        }
    }
    /** Records `value` in the histogram `name`. */
    record(name, value, attributes) {
        const meters = this.#meters();
        if (meters !== undefined)
            meters.get(name).record(value, attributes);
    }
    /** The latest pending count and lag of a group, read by the gauges. */
    observeGroup(destination, group, pending, lag) {
        if (this.#meters() === undefined)
            return;
        const attributes = {
            "messaging.destination.name": destination,
            "messaging.consumer.group.name": group,
        };
        const key = `${destination}\u0000${group}`;
        this.#gauges.get("contracts.consumer.pending")?.set(key, [attributes, pending]);
        if (lag !== undefined)
            this.#gauges.get("contracts.consumer.lag")?.set(key, [attributes, lag]);
    }
}
