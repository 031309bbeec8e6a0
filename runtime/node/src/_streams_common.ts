// What the publisher and the consumer of streams.ts share: the wire's keys and
// field names, the dead-letter reasons, the option checks, and the consumer's types
// and small helpers. Private to the package: streams.ts re-exports the public part.
import type { ChainableCommander, Redis } from "ioredis";
import { CATALOG } from "./_catalog.js";
import { envelopes } from "./_envelope.js";
import type { EnvelopeShape } from "./_envelope.js";
import { MANIFEST } from "./_manifest.js";
import { ContractViolation, DEFAULT_LIMITS, capped, contract } from "./_runtime.js";
import type { Limits, Violation, Where } from "./_runtime.js";
import type { MessageType, Messages, WireEnvelope } from "./envelope.js";
import { Telemetry } from "./telemetry.js";
import type { Attributes, SpanHandle } from "./telemetry.js";

export const ENVELOPE_FIELD = "envelope";
export const ENVELOPE_CONTRACT = "envelope.v1.json";
export const { buildEnvelope } = envelopes(ENVELOPE_CONTRACT);
export const envelopeContract = contract<EnvelopeShape>(ENVELOPE_CONTRACT);
export const byContract = new Map(
  MANIFEST.contracts.filter((c) => c.type !== null).map((c) => [c.contract, c]),
);
export const LAST_ERRORS_KEPT = 10_000;
/** The default `MAXLEN ~` of dead-letter streams (as the Python consumers). */
export const DEAD_LETTER_MAXLEN = 10_000;

/** The major versions of a message type. */
export type VersionOf<T extends MessageType> = keyof Messages[T] & number;

/** Why an entry was moved to the dead-letter stream (docs/wire.md). */
export type DeadLetterReason =
  | "invalid"
  | "unknown-contract"
  | "not-in-catalog"
  | "no-handler"
  | "delivery-limit"
  | "trimmed";

export const DEAD_LETTER_REASONS: readonly DeadLetterReason[] = Object.freeze([
  "invalid",
  "unknown-contract",
  "not-in-catalog",
  "no-handler",
  "delivery-limit",
  "trimmed",
] as const);

/** The Redis key of a catalogue stream: `stream:{agent.tasks}`. */
export function streamKey(stream: string): string {
  if (typeof stream !== "string" || stream === "" || /[{}]/.test(stream)) {
    throw new TypeError(`not a stream name: ${JSON.stringify(stream)}`);
  }
  return `stream:{${stream}}`;
}

/** The key of its dead-letter stream: `stream:{agent.tasks}:dlq` (same hash slot). */
export function deadLetterKey(stream: string): string {
  return `${streamKey(stream)}:dlq`;
}

/**
 * The retry stream of one consumer group: `stream:{agent.tasks}:retry:<group>` (same
 * hash slot). Replays of that group's dead letters land there, and its consumers read
 * it beside the stream.
 */
export function retryKey(stream: string, group: string): string {
  return `${streamKey(stream)}:retry:${group}`;
}

export function describe(contracts: Iterable<string>): string {
  const names = [...contracts].map((path) => {
    const entry = byContract.get(path);
    return entry === undefined ? path : `${entry.type} v${entry.version}`;
  });
  return names.length ? names.join(", ") : "nothing";
}

/**
 * A stream the catalogue does not list, or a message type the catalogue does not
 * allow on that stream (`type` and `version` are then set).
 */
export class StreamNotInCatalog extends Error {
  readonly stream: string;
  readonly type: string | undefined;
  readonly version: number | undefined;

  constructor(stream: string, type?: string, version?: number, carried?: Iterable<string>) {
    const streams = Object.keys(CATALOG?.streams ?? {}).join(", ");
    super(
      type === undefined
        ? `stream ${stream} is not in the catalogue (streams: ${streams})`
        : `${type} v${version} is not carried by stream ${stream}` +
            ` (it carries ${describe(carried ?? [])})`,
    );
    this.name = "StreamNotInCatalog";
    this.stream = stream;
    this.type = type;
    this.version = version;
  }
}

/** The contract paths the catalogue allows on `stream`; null without a catalogue. */
export function carriedBy(stream: string): Set<string> | null {
  if (CATALOG === null) return null;
  const entry = Object.hasOwn(CATALOG.streams, stream) ? CATALOG.streams[stream] : undefined;
  if (entry === undefined) throw new StreamNotInCatalog(stream);
  return new Set(entry.messages.map((m) => m.contract));
}

export function positive(name: string, value: number | undefined, fallback: number, min?: number): number;
export function positive(
  name: string,
  value: number | undefined,
  fallback: number | undefined,
  min?: number,
): number | undefined;
export function positive(
  name: string,
  value: number | undefined,
  fallback: number | undefined,
  min = 1,
): number | undefined {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

export function located(error: unknown, where: Where): unknown {
  return error instanceof ContractViolation
    ? new ContractViolation(error.contract, error.violations, { ...error.where, ...where })
    : error;
}

// -- Consuming ---------------------------------------------------------------------------

/** What a handler gets besides the payload. */
export interface Delivery<
  T extends MessageType = MessageType,
  V extends VersionOf<T> = VersionOf<T>,
> {
  envelope: WireEnvelope & { type: T; version: V; data: Messages[T][V] };
  /** The Redis entry id. */
  entryId: string;
  /** How many times Redis has delivered the entry, this time included. */
  deliveries: number;
  /** False when the producer was built from another version of the contract. */
  fingerprintMatches: boolean;
}

export type Handler<T extends MessageType, V extends VersionOf<T>> = (
  data: Messages[T][V],
  message: Delivery<T, V>,
) => unknown | Promise<unknown>;

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
export type DeadLetterError = Violation | { readonly error: string };

export const TRANSIENT = /^(LOADING|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|READONLY|BUSY )/;
export const PROGRAMMING = [TypeError, RangeError, ReferenceError, SyntaxError];

export const messageOf = (error: unknown): string =>
  String((error as { message?: unknown } | null)?.message ?? "");

/** The group (or the stream with it) is gone: Redis restarted, XGROUP DESTROY, DEL. */
export function groupGone(error: unknown): boolean {
  const message = messageOf(error);
  return message.startsWith("NOGROUP") || message.startsWith("UNBLOCKED the stream key");
}

/** Worth retrying: connection trouble or a transient server state, not a bug. */
export function transient(error: unknown): boolean {
  if ((error as { name?: unknown } | null)?.name === "ReplyError") {
    return TRANSIENT.test(messageOf(error));
  }
  return !PROGRAMMING.some((kind) => error instanceof kind);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
  });
}

export type Field = Buffer | string;

export function text(value: Field): string {
  return Buffer.isBuffer(value) ? value.toString("utf8") : String(value);
}

/** The violation of an envelope naming a type, or a version of it, this package lacks. */
export function unknownViolations(type: string, version: number): Violation[] {
  const versions = MANIFEST.contracts.filter((c) => c.type === type).map((c) => c.version);
  return versions.length
    ? [{ pointer: "/version", expected: `one of ${JSON.stringify(versions)}`, got: `${version}` }]
    : [{ pointer: "/type", expected: "a message type of this package", got: `"${type}"` }];
}

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
  last: { envelope: EnvelopeShape; failure: string; times: [number, number, number] } | undefined;
  /** The clock (ms) when the last handler returned, while no other work followed. */
  mark: number | undefined;
}

export type AnyHandler = (data: unknown, message: Delivery) => unknown;

export type Verdict =
  | { reason: DeadLetterReason; errors: readonly DeadLetterError[] }
  | {
      reason?: undefined;
      envelope: EnvelopeShape;
      handler: AnyHandler;
      fingerprintMatches: boolean;
    };

export const invalid = (errors: readonly DeadLetterError[]): Verdict => ({ reason: "invalid", errors });
export const refused = (
  reason: DeadLetterReason,
  expected: string,
  type: string,
  version: number,
): Verdict => ({
  reason,
  errors: [{ pointer: "/type", expected, got: `${type} v${version}` }],
});

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

// -- Settling a batch: dead letters and acks in one atomic step ---------------------------

/**
 * The Python runtime's SETTLE (runtime/streams/core.py), the same text: the server
 * copies each dead entry's own fields into its dead letter (XRANGE of its id), so the
 * client never sends a payload back and a batch of huge entries costs it what it read,
 * not twice that. KEYS: the dead-letter stream, the stream, the retry stream. ARGV:
 * group, MAXLEN ('' for none), the number of dead letters; per dead letter its key's
 * index in KEYS, its id, the number of dlq.* fields and those fields; per key to ack its
 * index, the number of ids, the ids.
 */
export const SETTLE = `
local group, maxlen, n = ARGV[1], ARGV[2], tonumber(ARGV[3])
local i = 4
for _ = 1, n do
  local source, id = KEYS[tonumber(ARGV[i]) + 1], ARGV[i + 1]
  local extra = tonumber(ARGV[i + 2])
  i = i + 3
  local fields = {}
  local found = redis.call('XRANGE', source, id, id)
  if found[1] then fields = found[1][2] end
  for j = 0, extra * 2 - 1 do fields[#fields + 1] = ARGV[i + j] end
  i = i + extra * 2
  if maxlen == '' then
    redis.call('XADD', KEYS[1], '*', unpack(fields))
  else
    redis.call('XADD', KEYS[1], 'MAXLEN', '~', maxlen, '*', unpack(fields))
  end
end
while i <= #ARGV do
  local source, count = KEYS[tonumber(ARGV[i]) + 1], tonumber(ARGV[i + 1])
  redis.call('XACK', source, group, unpack(ARGV, i + 2, i + 1 + count))
  i = i + 2 + count
end
return n
`;

/** Lua unpacks at most ~8,000 values: a dead entry of more fields is sent by the client. */
export const COPIED_FIELDS = 1000;

/** Is this the answer of a Redis that does not let this client run scripts? */
export function refusedScript(error: unknown): boolean {
  const message = messageOf(error).toLowerCase();
  return ["noperm", "no permissions", "unknown command"].some((m) => message.includes(m));
}

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
export function deadLetterFields(dead: Dead, origin: Origin, time: string): string[] {
  const [shown, omitted] = capped(dead.errors);
  const fields = [
    "dlq.reason", dead.reason,
    "dlq.errors", JSON.stringify(shown),
    "dlq.stream", origin.key,
    "dlq.entry_id", dead.id,
    "dlq.group", origin.group,
    "dlq.consumer", origin.consumer,
    "dlq.deliveries", String(dead.deliveries),
    "dlq.time", time,
  ];
  if (omitted) fields.push("dlq.errors_omitted", String(omitted));
  return fields;
}

/** SETTLE's KEYS and ARGV for `copied` dead letters (their dlq.* fields) and the acks. */
export function settleArgs(
  keys: readonly string[],
  group: string,
  maxLen: number | null,
  copied: readonly [Dead, string[]][],
  acks: ReadonlyMap<string, string[]>,
): (string | number)[] {
  const args: (string | number)[] = [group, maxLen === null ? "" : maxLen, copied.length];
  for (const [dead, extra] of copied) {
    args.push(keys.indexOf(dead.key), dead.id, extra.length / 2, ...extra);
  }
  for (const [key, ids] of acks) args.push(keys.indexOf(key), ids.length, ...ids);
  return args;
}

/** `letters` XADDed to `dlq` in `tx` (MAXLEN ~ `maxLen`), their fields and all. */
export function addDeadLetters(
  tx: ChainableCommander,
  dlq: string,
  maxLen: number | null,
  letters: readonly [Dead, string[]][],
): ChainableCommander {
  const bound = maxLen === null ? [] : ["MAXLEN", "~", String(maxLen)];
  for (const [dead, extra] of letters) tx.xadd(dlq, ...bound, "*", ...dead.fields, ...extra);
  return tx;
}

/** Throws the first error of a MULTI's replies. */
export function settled(results: [Error | null, unknown][] | null): void {
  for (const [error] of results ?? []) if (error) throw error;
}

/**
 * Adds a handled message's validation and handler times (`done`: the clock when its
 * handler returned) to its batch's, per contract and outcome. Consecutive messages of
 * one contract and outcome (the usual batch) add to the same entry: no key is made.
 */
export function timed(run: Run, failure: string, done: number): void {
  const { batch, envelope } = run;
  let last = batch.last;
  if (
    last === undefined ||
    last.failure !== failure ||
    last.envelope.type !== envelope.type ||
    last.envelope.version !== envelope.version
  ) {
    const key = `${envelope.type}@${envelope.version}\u0000${failure}`;
    let times = batch.times.get(key);
    if (times === undefined) batch.times.set(key, (times = [0, 0, 0]));
    last = batch.last = { envelope, failure, times };
  }
  last.times[0] += 1;
  last.times[1] += run.handling - run.started;
  last.times[2] += done - run.handling;
}

/**
 * A consumed batch's counts, and its durations as the mean per message (as
 * runtime.streams records them). `where` is the stream and group attributes.
 */
export function measured(tel: Telemetry, where: Attributes, batch: Batch): void {
  tel.count("contracts.messages.consumed", where, batch.handled);
  for (const dead of batch.dead) {
    tel.count("contracts.messages.dead_lettered", { ...where, reason: dead.reason });
    if (dead.reason !== "delivery-limit" && dead.reason !== "trimmed") {
      tel.count("contracts.messages.invalid", {
        "messaging.destination.name": where["messaging.destination.name"] as string,
        reason: dead.reason,
      });
    }
  }
  for (const [key, [n, validating, handling]] of batch.times) {
    const [message, failure] = key.split("\u0000") as [string, string];
    const contract = { contract: message.replace("@", ".v") };
    tel.record("contracts.validation.duration", validating / n / 1e3, contract);
    const attributes = failure
      ? { ...where, ...contract, "error.type": failure }
      : { ...where, ...contract };
    tel.record("contracts.handler.duration", handling / n / 1e3, attributes);
  }
}
