import type { ChainableCommander } from "ioredis";
import type { EnvelopeShape } from "./_envelope.js";
import type { Limits, Violation, Where } from "./_runtime.js";
import type { MessageType, Messages, WireEnvelope } from "./envelope.js";
import { Telemetry } from "./telemetry.js";
import type { Attributes, SpanHandle } from "./telemetry.js";
export declare const ENVELOPE_FIELD = "envelope";
export declare const ENVELOPE_CONTRACT = "envelope.v1.json";
export declare const buildEnvelope: (type: string, version: number, data: unknown, options: import("./_envelope.js").BuildOptions) => EnvelopeShape;
export declare const envelopeContract: import("./_runtime.js").Contract<EnvelopeShape>;
export declare const byContract: Map<string, import("./_types.js").ManifestContract>;
export declare const LAST_ERRORS_KEPT = 10000;
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
export declare function describe(contracts: Iterable<string>): string;
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
/** The contract paths the catalogue allows on `stream`; null without a catalogue. */
export declare function carriedBy(stream: string): Set<string> | null;
export declare function positive(name: string, value: number | undefined, fallback: number, min?: number): number;
export declare function positive(name: string, value: number | undefined, fallback: number | undefined, min?: number): number | undefined;
export declare function located(error: unknown, where: Where): unknown;
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
export declare const TRANSIENT: RegExp;
export declare const PROGRAMMING: RangeErrorConstructor[];
export declare const messageOf: (error: unknown) => string;
/** The group (or the stream with it) is gone: Redis restarted, XGROUP DESTROY, DEL. */
export declare function groupGone(error: unknown): boolean;
/** Worth retrying: connection trouble or a transient server state, not a bug. */
export declare function transient(error: unknown): boolean;
export declare function sleep(ms: number, signal?: AbortSignal): Promise<void>;
export type Field = Buffer | string;
export declare function text(value: Field): string;
/** The violation of an envelope naming a type, or a version of it, this package lacks. */
export declare function unknownViolations(type: string, version: number): Violation[];
export interface Item {
    /** The stream or the group's retry stream. */
    key: string;
    id: string;
    fields: Field[];
    deliveries: number;
}
export interface Dead extends Item {
    reason: DeadLetterReason;
    errors: readonly DeadLetterError[];
}
export interface Batch {
    acks: Item[];
    dead: Dead[];
    handled: number;
    failed: number;
    tracing: boolean;
    metering: boolean;
    /** `${type}@${version}\u0000${error type}` -> [messages, validating ms, handling ms] */
    times: Map<string, [number, number, number]>;
    /** The `times` entry of the last message handled. */
    last: {
        envelope: EnvelopeShape;
        failure: string;
        times: [number, number, number];
    } | undefined;
    /** The clock (ms) when the last handler returned, while no other work followed. */
    mark: number | undefined;
}
export type AnyHandler = (data: unknown, message: Delivery) => unknown;
export type Verdict = {
    reason: DeadLetterReason;
    errors: readonly DeadLetterError[];
} | {
    reason?: undefined;
    envelope: EnvelopeShape;
    handler: AnyHandler;
    fingerprintMatches: boolean;
};
export declare const invalid: (errors: readonly DeadLetterError[]) => Verdict;
export declare const refused: (reason: DeadLetterReason, expected: string, type: string, version: number) => Verdict;
export type StreamEntries = [id: Buffer, fields: Buffer[] | null][];
/** One handler call under way (Consumer's #process and #settled). */
export interface Run {
    item: Item;
    batch: Batch;
    envelope: EnvelopeShape;
    span: SpanHandle | undefined;
    started: number;
    handling: number;
}
/**
 * The Python runtime's SETTLE (runtime/streams/core.py), the same text: the server
 * copies each dead entry's own fields into its dead letter (XRANGE of its id), so the
 * client never sends a payload back and a batch of huge entries costs it what it read,
 * not twice that. KEYS: the dead-letter stream, the stream, the retry stream. ARGV:
 * group, MAXLEN ('' for none), the number of dead letters; per dead letter its key's
 * index in KEYS, its id, the number of dlq.* fields and those fields; per key to ack its
 * index, the number of ids, the ids.
 */
export declare const SETTLE = "\nlocal group, maxlen, n = ARGV[1], ARGV[2], tonumber(ARGV[3])\nlocal i = 4\nfor _ = 1, n do\n  local source, id = KEYS[tonumber(ARGV[i]) + 1], ARGV[i + 1]\n  local extra = tonumber(ARGV[i + 2])\n  i = i + 3\n  local fields = {}\n  local found = redis.call('XRANGE', source, id, id)\n  if found[1] then fields = found[1][2] end\n  for j = 0, extra * 2 - 1 do fields[#fields + 1] = ARGV[i + j] end\n  i = i + extra * 2\n  if maxlen == '' then\n    redis.call('XADD', KEYS[1], '*', unpack(fields))\n  else\n    redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, '*', unpack(fields))\n  end\nend\nwhile i <= #ARGV do\n  local source, count = KEYS[tonumber(ARGV[i]) + 1], tonumber(ARGV[i + 1])\n  redis.call('XACK', source, group, unpack(ARGV, i + 2, i + 1 + count))\n  i = i + 2 + count\nend\nreturn n\n";
/** Lua unpacks at most ~8,000 values: a dead entry of more fields is sent by the client. */
export declare const COPIED_FIELDS = 1000;
/** Is this the answer of a Redis that does not let this client run scripts? */
export declare function refusedScript(error: unknown): boolean;
/** Where a consumer's dead letters come from, for their `dlq.*` fields. */
export interface Origin {
    key: string;
    group: string;
    consumer: string;
}
/**
 * The `dlq.*` fields of a dead letter (`dlq.errors` lists at most 100 violations and
 * `dlq.errors_omitted` counts the rest).
 */
export declare function deadLetterFields(dead: Dead, origin: Origin, time: string): string[];
/** SETTLE's KEYS and ARGV for `copied` dead letters (their dlq.* fields) and the acks. */
export declare function settleArgs(keys: readonly string[], group: string, maxLen: number | null, copied: readonly [Dead, string[]][], acks: ReadonlyMap<string, string[]>): (string | number)[];
/** `letters` XADDed to `dlq` in `tx` (MAXLEN ~ `maxLen`), their fields and all. */
export declare function addDeadLetters(tx: ChainableCommander, dlq: string, maxLen: number | null, letters: readonly [Dead, string[]][]): ChainableCommander;
/** Throws the first error of a MULTI's replies. */
export declare function settled(results: [Error | null, unknown][] | null): void;
/**
 * Adds a handled message's validation and handler times (`done`: the clock when its
 * handler returned) to its batch's, per contract and outcome. Consecutive messages of
 * one contract and outcome (the usual batch) add to the same entry: no key is made.
 */
export declare function timed(run: Run, failure: string, done: number): void;
/**
 * A consumed batch's counts, and its durations as the mean per message (as
 * runtime.streams records them). `where` is the stream and group attributes.
 */
export declare function measured(tel: Telemetry, where: Attributes, batch: Batch): void;
