import { CATALOG } from "./_catalog.js";
import { envelopes } from "./_envelope.js";
import { MANIFEST } from "./_manifest.js";
import { ContractViolation, capped, contract } from "./_runtime.js";
export const ENVELOPE_FIELD = "envelope";
export const ENVELOPE_CONTRACT = "envelope.v1.json";
export const { buildEnvelope } = envelopes(ENVELOPE_CONTRACT);
export const envelopeContract = contract(ENVELOPE_CONTRACT);
export const byContract = new Map(MANIFEST.contracts.filter((c) => c.type !== null).map((c) => [c.contract, c]));
export const LAST_ERRORS_KEPT = 10_000;
/** The default `MAXLEN ~` of dead-letter streams (as the Python consumers). */
export const DEAD_LETTER_MAXLEN = 10_000;
export const DEAD_LETTER_REASONS = Object.freeze([
    "invalid",
    "unknown-contract",
    "not-in-catalog",
    "no-handler",
    "delivery-limit",
    "trimmed",
]);
/** The Redis key of a catalogue stream: `stream:{agent.tasks}`. */
export function streamKey(stream) {
    if (typeof stream !== "string" || stream === "" || /[{}]/.test(stream)) {
        throw new TypeError(`not a stream name: ${JSON.stringify(stream)}`);
    }
    return `stream:{${stream}}`;
}
/** The key of its dead-letter stream: `stream:{agent.tasks}:dlq` (same hash slot). */
export function deadLetterKey(stream) {
    return `${streamKey(stream)}:dlq`;
}
/**
 * The retry stream of one consumer group: `stream:{agent.tasks}:retry:<group>` (same
 * hash slot). Replays of that group's dead letters land there, and its consumers read
 * it beside the stream.
 */
export function retryKey(stream, group) {
    return `${streamKey(stream)}:retry:${group}`;
}
export function describe(contracts) {
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
    stream;
    type;
    version;
    constructor(stream, type, version, carried) {
        const streams = Object.keys(CATALOG?.streams ?? {}).join(", ");
        super(type === undefined
            ? `stream ${stream} is not in the catalogue (streams: ${streams})`
            : `${type} v${version} is not carried by stream ${stream}` +
                ` (it carries ${describe(carried ?? [])})`);
        this.name = "StreamNotInCatalog";
        this.stream = stream;
        this.type = type;
        this.version = version;
    }
}
/** The contract paths the catalogue allows on `stream`; null without a catalogue. */
export function carriedBy(stream) {
    if (CATALOG === null)
        return null;
    const entry = Object.hasOwn(CATALOG.streams, stream) ? CATALOG.streams[stream] : undefined;
    if (entry === undefined)
        throw new StreamNotInCatalog(stream);
    return new Set(entry.messages.map((m) => m.contract));
}
export function positive(name, value, fallback, min = 1) {
    if (value === undefined)
        return fallback;
    if (!Number.isSafeInteger(value) || value < min) {
        throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
    }
    return value;
}
export function located(error, where) {
    return error instanceof ContractViolation
        ? new ContractViolation(error.contract, error.violations, { ...error.where, ...where })
        : error;
}
export const TRANSIENT = /^(LOADING|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|READONLY|BUSY )/;
export const PROGRAMMING = [TypeError, RangeError, ReferenceError, SyntaxError];
export const messageOf = (error) => String(error?.message ?? "");
/** The group (or the stream with it) is gone: Redis restarted, XGROUP DESTROY, DEL. */
export function groupGone(error) {
    const message = messageOf(error);
    return message.startsWith("NOGROUP") || message.startsWith("UNBLOCKED the stream key");
}
/** Worth retrying: connection trouble or a transient server state, not a bug. */
export function transient(error) {
    if (error?.name === "ReplyError") {
        return TRANSIENT.test(messageOf(error));
    }
    return !PROGRAMMING.some((kind) => error instanceof kind);
}
export function sleep(ms, signal) {
    return new Promise((resolve) => {
        if (signal?.aborted)
            return resolve();
        const done = () => {
            clearTimeout(timer);
            signal?.removeEventListener("abort", done);
            resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener("abort", done, { once: true });
    });
}
export function text(value) {
    return Buffer.isBuffer(value) ? value.toString("utf8") : String(value);
}
/** The violation of an envelope naming a type, or a version of it, this package lacks. */
export function unknownViolations(type, version) {
    const versions = MANIFEST.contracts.filter((c) => c.type === type).map((c) => c.version);
    return versions.length
        ? [{ pointer: "/version", expected: `one of ${JSON.stringify(versions)}`, got: `${version}` }]
        : [{ pointer: "/type", expected: "a message type of this package", got: `"${type}"` }];
}
export const invalid = (errors) => ({ reason: "invalid", errors });
export const refused = (reason, expected, type, version) => ({
    reason,
    errors: [{ pointer: "/type", expected, got: `${type} v${version}` }],
});
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
export function refusedScript(error) {
    const message = messageOf(error).toLowerCase();
    return ["noperm", "no permissions", "unknown command"].some((m) => message.includes(m));
}
/**
 * The `dlq.*` fields of a dead letter (`dlq.errors` lists at most 100 violations and
 * `dlq.errors_omitted` counts the rest).
 */
export function deadLetterFields(dead, origin, time) {
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
    if (omitted)
        fields.push("dlq.errors_omitted", String(omitted));
    return fields;
}
/** SETTLE's KEYS and ARGV for `copied` dead letters (their dlq.* fields) and the acks. */
export function settleArgs(keys, group, maxLen, copied, acks) {
    const args = [group, maxLen === null ? "" : maxLen, copied.length];
    for (const [dead, extra] of copied) {
        args.push(keys.indexOf(dead.key), dead.id, extra.length / 2, ...extra);
    }
    for (const [key, ids] of acks)
        args.push(keys.indexOf(key), ids.length, ...ids);
    return args;
}
/** `letters` XADDed to `dlq` in `tx` (MAXLEN ~ `maxLen`), their fields and all. */
export function addDeadLetters(tx, dlq, maxLen, letters) {
    const bound = maxLen === null ? [] : ["MAXLEN", "~", String(maxLen)];
    for (const [dead, extra] of letters)
        tx.xadd(dlq, ...bound, "*", ...dead.fields, ...extra);
    return tx;
}
/** Throws the first error of a MULTI's replies. */
export function settled(results) {
    for (const [error] of results ?? [])
        if (error)
            throw error;
}
/**
 * Adds a handled message's validation and handler times (`done`: the clock when its
 * handler returned) to its batch's, per contract and outcome. Consecutive messages of
 * one contract and outcome (the usual batch) add to the same entry: no key is made.
 */
export function timed(run, failure, done) {
    const { batch, envelope } = run;
    let last = batch.last;
    if (last === undefined ||
        last.failure !== failure ||
        last.envelope.type !== envelope.type ||
        last.envelope.version !== envelope.version) {
        const key = `${envelope.type}@${envelope.version}\u0000${failure}`;
        let times = batch.times.get(key);
        if (times === undefined)
            batch.times.set(key, (times = [0, 0, 0]));
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
export function measured(tel, where, batch) {
    tel.count("contracts.messages.consumed", where, batch.handled);
    for (const dead of batch.dead) {
        tel.count("contracts.messages.dead_lettered", { ...where, reason: dead.reason });
        if (dead.reason !== "delivery-limit" && dead.reason !== "trimmed") {
            tel.count("contracts.messages.invalid", {
                "messaging.destination.name": where["messaging.destination.name"],
                reason: dead.reason,
            });
        }
    }
    for (const [key, [n, validating, handling]] of batch.times) {
        const [message, failure] = key.split("\u0000");
        const contract = { contract: message.replace("@", ".v") };
        tel.record("contracts.validation.duration", validating / n / 1e3, contract);
        const attributes = failure
            ? { ...where, ...contract, "error.type": failure }
            : { ...where, ...contract };
        tel.record("contracts.handler.duration", handling / n / 1e3, attributes);
    }
}
