import type { Redis } from "ioredis";
import type { Limits, Violation } from "./_runtime.js";
import type { MessageType, Messages, WireEnvelope } from "./envelope.js";
import { Telemetry } from "./telemetry.js";
/** The default `MAXLEN ~` of dead-letter streams (as the Python consumers). */
export declare const DEAD_LETTER_MAXLEN = 10000;
/** The major versions of a message type. */
export type VersionOf<T extends MessageType> = keyof Messages[T] & number;
/** Why an entry was moved to the dead-letter stream (docs/wire.md). */
export type DeadLetterReason = "invalid" | "unknown-contract" | "not-in-catalog" | "no-handler" | "delivery-limit" | "trimmed";
export declare const DEAD_LETTER_REASONS: readonly DeadLetterReason[];
/** The Redis key of a catalogue stream: `stream:{agent.tasks}`. */
export declare function streamKey(stream: string): string;
/** The key of its dead-letter stream: `stream:{agent.tasks}:dlq` (same hash slot). */
export declare function deadLetterKey(stream: string): string;
/**
 * The retry stream of one consumer group: `stream:{agent.tasks}:retry:<group>` (same
 * hash slot). Replays of that group's dead letters land there, and its consumers read
 * it beside the stream.
 */
export declare function retryKey(stream: string, group: string): string;
/**
 * A stream the catalogue does not list, or a message type the catalogue does not
 * allow on that stream (`type` and `version` are then set).
 */
export declare class StreamNotInCatalog extends Error {
    readonly stream: string;
    readonly type: string | undefined;
    readonly version: number | undefined;
    constructor(stream: string, type?: string, version?: number, carried?: Iterable<string>);
}
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
/** What a handler gets besides the payload. */
export interface Delivery<T extends MessageType = MessageType, V extends VersionOf<T> = VersionOf<T>> {
    envelope: WireEnvelope & {
        type: T;
        version: V;
        data: Messages[T][V];
    };
    /** The Redis entry id. */
    entryId: string;
    /** How many times Redis has delivered the entry, this time included. */
    deliveries: number;
    /** False when the producer was built from another version of the contract. */
    fingerprintMatches: boolean;
}
export type Handler<T extends MessageType, V extends VersionOf<T>> = (data: Messages[T][V], message: Delivery<T, V>) => unknown | Promise<unknown>;
/** Where a handler failed, for {@link ConsumerOptions.onError}. */
export interface HandlerFailure {
    entryId: string;
    type: string;
    version: number;
    deliveries: number;
}
export interface ConsumerOptions {
    /** The catalogue stream, e.g. `agent.tasks`. */
    stream: string;
    group: string;
    /** This consumer's name in the group (unique per process). */
    consumer: string;
    /** Entries per cycle (default 100). */
    batch?: number;
    /** How long XREADGROUP waits for new entries, in ms (default 1000; 0: no wait). */
    blockMs?: number;
    /** Pending entries idle this long (ms) are claimed again (default 30000). */
    claimIdleMs?: number;
    /**
     * Look for such entries at most this often, in ms (default claimIdleMs / 4; the
     * first cycle always looks): an entry is reclaimed after claimIdleMs plus at
     * most claimEveryMs.
     */
    claimEveryMs?: number;
    /** An entry delivered more often than this goes to the dead-letter stream (default 5). */
    maxDeliveries?: number;
    /** Size and nesting limits of the envelope text (default DEFAULT_LIMITS). */
    limits?: Limits;
    /** `MAXLEN ~` of the dead-letter stream (default DEAD_LETTER_MAXLEN; null: no bound). */
    deadLetterMaxLen?: number | null;
    /** Called when a handler throws (default: console.warn); the entry stays pending. */
    onError?: (error: unknown, failure: HandlerFailure) => void;
    /** Traces and metrics (default: the global OpenTelemetry providers, if any). */
    telemetry?: Telemetry;
}
/** The outcome of one {@link Consumer.runOnce}. */
export interface BatchResult {
    /** Handled and acknowledged. */
    handled: number;
    /** Moved to the dead-letter stream and acknowledged. */
    deadLettered: number;
    /** The handler threw: left pending, to be claimed again. */
    failed: number;
}
/** One dead-letter entry's `dlq.errors` item. */
export type DeadLetterError = Violation | {
    readonly error: string;
};
/**
 * Reads a catalogue stream in a consumer group, validates every entry and calls the
 * handler of its type and version. Give it a Redis connection of its own: XREADGROUP
 * blocks the connection for up to `blockMs`.
 */
export declare class Consumer {
    #private;
    /** Messages whose producer had another fingerprint, by `${type}@${version}:${fingerprint}`. */
    readonly drift: Map<string, number>;
    constructor(redis: Redis, options: ConsumerOptions);
    /** Registers the handler of a type and major version the stream carries. */
    on<T extends MessageType, V extends VersionOf<T>>(type: T, version: V, handler: Handler<T, V>): this;
    /**
     * `XGROUP CREATE <key> <group> <start> MKSTREAM`, and the group on its retry stream
     * (from its start); an existing group is fine.
     */
    ensureGroup(start?: "$" | "0"): Promise<void>;
    /**
     * One cycle: XAUTOCLAIM idle pending entries (past `maxDeliveries`: dead letter),
     * XREADGROUP a batch, validate and handle each, then dead-letter and XACK.
     */
    runOnce(): Promise<BatchResult>;
    /**
     * runOnce until `signal` aborts, finishing the batch in hand. A vanished group or
     * stream is created again (from `0`); connection errors are retried with backoff.
     */
    run(signal?: AbortSignal): Promise<void>;
}
