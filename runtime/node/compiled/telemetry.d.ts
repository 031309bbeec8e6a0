export declare const SCOPE = "contracts.runtime";
/** Metric name -> [instrument, unit, description]; the same table as the Python runtime. */
export declare const METRICS: Readonly<Record<string, readonly [string, string, string]>>;
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
export interface TelemetryOptions {
    /** A TracerProvider (tests, several SDKs in one process); default: the global one. */
    tracerProvider?: unknown;
    /** A MeterProvider; default: the global one. */
    meterProvider?: unknown;
}
type Kind = "PRODUCER" | "CONSUMER" | "CLIENT" | "SERVER";
/** Spans and metrics of one publisher, consumer or HTTP client/validator. */
export declare class Telemetry {
    #private;
    constructor(options?: TelemetryOptions);
    /** Whether spans are recorded (a tracer provider is registered). */
    get tracing(): boolean;
    /** The current span's W3C context, for an envelope's `trace`. */
    inject(): TraceContext | undefined;
    /** Adds `traceparent`/`tracestate` of the current span to HTTP headers. */
    injectHeaders(headers: Record<string, string>): void;
    /**
     * Starts a span named `name`; a child of `parent` (a W3C context) when given, else
     * of the active span. Undefined when nothing records.
     */
    start(name: string, kind: Kind, attributes: Attributes, parent?: Readonly<Record<string, unknown>>): SpanHandle | undefined;
    /** A messaging span `"<operation> <stream>"` with the semantic-convention attributes. */
    messaging(operation: "create" | "send" | "receive" | "process" | "settle", destination: string, extra?: {
        group?: string;
        messageId?: string;
        count?: number;
        parent?: unknown;
    }): SpanHandle | undefined;
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
    process(destination: string, group: string, messageId: unknown, parent: Readonly<Record<string, unknown>>): SpanHandle | undefined;
    /**
     * `fn(a, b)` with `handle`'s span as the active one: {@link within} without a
     * closure per call (a consumer's handler and its message).
     */
    call<A, B, T>(handle: SpanHandle | undefined, fn: (a: A, b: B) => T, a: A, b: B): T;
    /** Runs `fn` with `handle`'s span as the active one (its spans become children). */
    within<T>(handle: SpanHandle | undefined, fn: () => T): T;
    /** Marks a span failed with `error.type`. */
    static fail(handle: SpanHandle | undefined, errorType: string): void;
    static end(handle: SpanHandle | undefined): void;
    /** Sets an attribute on a started span. */
    static set(handle: SpanHandle | undefined, key: string, value: string | number): void;
    /** Whether metrics are recorded (a meter provider is registered). */
    get metering(): boolean;
    /** Adds `n` to the counter `name`. */
    count(name: string, attributes: Attributes, n?: number): void;
    /** Records `value` in the histogram `name`. */
    record(name: string, value: number, attributes: Attributes): void;
    /** The latest pending count and lag of a group, read by the gauges. */
    observeGroup(destination: string, group: string, pending: number, lag?: number): void;
}
export {};
