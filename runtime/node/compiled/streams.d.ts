import type { Redis } from "ioredis";
import type { MessageType } from "./envelope.js";
import type { BatchResult, ConsumerOptions, Handler, VersionOf } from "./_streams_common.js";
export { DEAD_LETTER_MAXLEN, DEAD_LETTER_REASONS, StreamNotInCatalog, deadLetterKey, retryKey, streamKey, } from "./_streams_common.js";
export type { BatchResult, ConsumerOptions, DeadLetterError, DeadLetterReason, Delivery, Handler, HandlerFailure, VersionOf, } from "./_streams_common.js";
export { Publisher } from "./_publisher.js";
export type { PublishItem, PublishOptions, PublisherOptions } from "./_publisher.js";
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
