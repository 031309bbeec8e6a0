import type { Redis } from "ioredis";
import type { Limits } from "./_runtime.js";
import type { MessageType, Messages, WireEnvelope } from "./envelope.js";
import { Telemetry } from "./telemetry.js";
import { VersionOf } from "./_streams_common.js";
/** Per message options of {@link Publisher.publish}. */
export interface PublishOptions {
    /** Trim the stream to about this many entries (`XADD MAXLEN ~ n`). */
    maxLen?: number;
    trace?: WireEnvelope["trace"];
    correlationId?: string;
    /** The message id (default: a random UUID); not the Redis entry id. */
    id?: string;
    /** The envelope time (default: now). */
    time?: string;
}
export interface PublisherOptions {
    /** The producing service, e.g. `node/order-service`. */
    source: string;
    /** Default `MAXLEN ~` of every XADD; no trimming when absent. */
    maxLen?: number;
    /**
     * Size and nesting limits of the envelope text (default DEFAULT_LIMITS, as the
     * consumers'): a message they would refuse is refused here, before it is written.
     */
    limits?: Limits;
    /** Traces and metrics (default: the global OpenTelemetry providers, if any). */
    telemetry?: Telemetry;
}
/** One message of {@link Publisher.publishMany}; `type` narrows `version` and `data`. */
export type PublishItem = {
    [T in MessageType]: {
        [V in VersionOf<T>]: {
            type: T;
            version: V;
            data: Messages[T][V];
            options?: PublishOptions;
        };
    }[VersionOf<T>];
}[MessageType];
/** Publishes validated envelopes on catalogue streams. */
export declare class Publisher {
    #private;
    constructor(redis: Redis, options: PublisherOptions);
    /**
     * Validates `data` (throws ContractViolation or UnknownMessage), checks the
     * catalogue allows the type on `stream` (throws StreamNotInCatalog), XADDs the
     * envelope and resolves to the Redis entry id.
     */
    publish<T extends MessageType, V extends VersionOf<T>>(stream: string, type: T, version: V, data: Messages[T][V], options?: PublishOptions): Promise<string>;
    /** Validates every item first (nothing is written if one fails), then one pipeline. */
    publishMany(stream: string, items: readonly PublishItem[]): Promise<string[]>;
}
