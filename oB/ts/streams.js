import { CATALOG } from "./_catalog.js";
import { UnknownMessage, envelopes, messageContract } from "./_envelope.js";
import { MANIFEST } from "./_manifest.js";
import { ContractViolation, UnknownContract, contract } from "./_runtime.js";
const ENVELOPE_FIELD = "envelope";
const ENVELOPE_CONTRACT = "envelope.v1.json";
const { buildEnvelope } = envelopes(ENVELOPE_CONTRACT);
const envelopeContract = contract(ENVELOPE_CONTRACT);
const byContract = new Map(MANIFEST.contracts.filter((c) => c.type !== null).map((c) => [c.contract, c]));
const LAST_ERRORS_KEPT = 10_000;
export const DEAD_LETTER_REASONS = Object.freeze([
    "invalid",
    "unknown-contract",
    "not-in-catalog",
    "no-handler",
    "delivery-limit",
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
function describe(contracts) {
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
function carriedBy(stream) {
    if (CATALOG === null)
        return null;
    const entry = Object.hasOwn(CATALOG.streams, stream) ? CATALOG.streams[stream] : undefined;
    if (entry === undefined)
        throw new StreamNotInCatalog(stream);
    return new Set(entry.messages.map((m) => m.contract));
}
function positive(name, value, fallback, min = 1) {
    if (value === undefined)
        return fallback;
    if (!Number.isSafeInteger(value) || value < min) {
        throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
    }
    return value;
}
function located(error, where) {
    return error instanceof ContractViolation
        ? new ContractViolation(error.contract, error.violations, { ...error.where, ...where })
        : error;
}
/** Publishes validated envelopes on catalogue streams. */
export class Publisher {
    #redis;
    #source;
    #maxLen;
    #carried = new Map();
    constructor(redis, options) {
        if (typeof options?.source !== "string")
            throw new TypeError("options.source is required");
        this.#redis = redis;
        this.#source = options.source;
        this.#maxLen = positive("maxLen", options.maxLen, undefined);
    }
    #allowed(stream) {
        if (!this.#carried.has(stream))
            this.#carried.set(stream, carriedBy(stream));
        return this.#carried.get(stream) ?? null;
    }
    /** XADD arguments for one message; throws before anything is written. */
    #prepare(stream, type, version, data, options = {}) {
        const key = streamKey(stream);
        const allowed = this.#allowed(stream);
        const entry = messageContract(type, version);
        if (allowed !== null && !allowed.has(entry.contract)) {
            throw new StreamNotInCatalog(stream, type, version, allowed);
        }
        const envelope = buildEnvelope(type, version, data, {
            source: this.#source,
            id: options.id,
            time: options.time,
            trace: options.trace,
            correlationId: options.correlationId,
        });
        const maxLen = positive("maxLen", options.maxLen, this.#maxLen);
        const trim = maxLen === undefined ? [] : ["MAXLEN", "~", String(maxLen)];
        return [key, ...trim, "*", ENVELOPE_FIELD, JSON.stringify(envelope)];
    }
    /**
     * Validates `data` (throws ContractViolation or UnknownMessage), checks the
     * catalogue allows the type on `stream` (throws StreamNotInCatalog), XADDs the
     * envelope and resolves to the Redis entry id.
     */
    async publish(stream, type, version, data, options) {
        let args;
        try {
            args = this.#prepare(stream, type, version, data, options);
        }
        catch (error) {
            throw located(error, { stream });
        }
        return (await this.#redis.xadd(...args));
    }
    /** Validates every item first (nothing is written if one fails), then one pipeline. */
    async publishMany(stream, items) {
        const commands = items.map((item, index) => {
            try {
                return this.#prepare(stream, item.type, item.version, item.data, item.options);
            }
            catch (error) {
                throw located(error, { stream, item: index });
            }
        });
        if (commands.length === 0)
            return [];
        const pipeline = this.#redis.pipeline();
        for (const args of commands)
            pipeline.xadd(...args);
        const results = (await pipeline.exec()) ?? [];
        return results.map(([error, id]) => {
            if (error)
                throw error;
            return id;
        });
    }
}
const TRANSIENT = /^(LOADING|TRYAGAIN|CLUSTERDOWN|MASTERDOWN|READONLY|BUSY )/;
const PROGRAMMING = [TypeError, RangeError, ReferenceError, SyntaxError];
const messageOf = (error) => String(error?.message ?? "");
/** The group (or the stream with it) is gone: Redis restarted, XGROUP DESTROY, DEL. */
function groupGone(error) {
    const message = messageOf(error);
    return message.startsWith("NOGROUP") || message.startsWith("UNBLOCKED the stream key");
}
/** Worth retrying: connection trouble or a transient server state, not a bug. */
function transient(error) {
    if (error?.name === "ReplyError") {
        return TRANSIENT.test(messageOf(error));
    }
    return !PROGRAMMING.some((kind) => error instanceof kind);
}
function sleep(ms, signal) {
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
function text(value) {
    return Buffer.isBuffer(value) ? value.toString("utf8") : String(value);
}
/** The violation of an envelope naming a type, or a version of it, this package lacks. */
function unknownViolations(type, version) {
    const versions = MANIFEST.contracts.filter((c) => c.type === type).map((c) => c.version);
    return versions.length
        ? [{ pointer: "/version", expected: `one of ${JSON.stringify(versions)}`, got: `${version}` }]
        : [{ pointer: "/type", expected: "a message type of this package", got: `"${type}"` }];
}
const invalid = (errors) => ({ reason: "invalid", errors });
const refused = (reason, expected, type, version) => ({
    reason,
    errors: [{ pointer: "/type", expected, got: `${type} v${version}` }],
});
/**
 * Reads a catalogue stream in a consumer group, validates every entry and calls the
 * handler of its type and version. Give it a Redis connection of its own: XREADGROUP
 * blocks the connection for up to `blockMs`.
 */
export class Consumer {
    /** Messages whose producer had another fingerprint, by `${type}@${version}:${fingerprint}`. */
    drift = new Map();
    #redis;
    #stream;
    #key;
    #dlq;
    #group;
    #consumer;
    #batch;
    #blockMs;
    #claimIdleMs;
    #claimEveryMs;
    #nextClaim = 0;
    #maxDeliveries;
    #limits;
    #onError;
    #allowed;
    #handlers = new Map();
    #cursor = "0-0";
    #lastErrors = new Map();
    constructor(redis, options) {
        for (const name of ["stream", "group", "consumer"]) {
            if (typeof options?.[name] !== "string" || options[name] === "") {
                throw new TypeError(`options.${name} is required`);
            }
        }
        this.#redis = redis;
        this.#stream = options.stream;
        this.#key = streamKey(options.stream);
        this.#dlq = deadLetterKey(options.stream);
        this.#group = options.group;
        this.#consumer = options.consumer;
        this.#batch = positive("batch", options.batch, 100);
        this.#blockMs = positive("blockMs", options.blockMs, 1000, 0);
        this.#claimIdleMs = positive("claimIdleMs", options.claimIdleMs, 30_000, 0);
        this.#claimEveryMs = positive("claimEveryMs", options.claimEveryMs, Math.floor(this.#claimIdleMs / 4), 0);
        this.#maxDeliveries = positive("maxDeliveries", options.maxDeliveries, 5);
        this.#limits = options.limits;
        this.#onError =
            options.onError ??
                ((error, info) => {
                    console.warn(`${this.#key} ${info.entryId}: handler for ${info.type} v${info.version} failed` +
                        ` (delivery ${info.deliveries}): ${error instanceof Error ? error.stack : error}`);
                });
        this.#allowed = carriedBy(options.stream);
    }
    /** Registers the handler of a type and major version the stream carries. */
    on(type, version, handler) {
        const entry = messageContract(type, version);
        if (this.#allowed !== null && !this.#allowed.has(entry.contract)) {
            throw new StreamNotInCatalog(this.#stream, type, version, this.#allowed);
        }
        const name = `${type}@${version}`;
        if (this.#handlers.has(name)) {
            throw new Error(`a handler for ${type} v${version} is already registered`);
        }
        if (typeof handler !== "function")
            throw new TypeError("handler must be a function");
        this.#handlers.set(name, handler);
        return this;
    }
    /** `XGROUP CREATE <key> <group> <start> MKSTREAM`; an existing group is fine. */
    async ensureGroup(start = "$") {
        if (start !== "$" && start !== "0") {
            throw new RangeError(`start must be "$" or "0", got ${start}`);
        }
        try {
            await this.#redis.xgroup("CREATE", this.#key, this.#group, start, "MKSTREAM");
        }
        catch (error) {
            if (!messageOf(error).startsWith("BUSYGROUP"))
                throw error;
        }
    }
    /**
     * One cycle: XAUTOCLAIM idle pending entries (past `maxDeliveries`: dead letter),
     * XREADGROUP a batch, validate and handle each, then dead-letter and XACK.
     */
    async runOnce() {
        const batch = { acks: [], dead: [], handled: 0, failed: 0 };
        const claimed = await this.#claim(batch);
        const idle = claimed.length === 0 && batch.acks.length === 0 && batch.dead.length === 0;
        const room = this.#batch - claimed.length;
        const fresh = room > 0 ? await this.#read(room, idle) : [];
        for (const item of claimed.concat(fresh))
            await this.#process(item, batch);
        await this.#settle(batch);
        return { handled: batch.handled, deadLettered: batch.dead.length, failed: batch.failed };
    }
    /**
     * runOnce until `signal` aborts, finishing the batch in hand. A vanished group or
     * stream is created again (from `0`); connection errors are retried with backoff.
     */
    async run(signal) {
        let backoff = 0;
        while (!signal?.aborted) {
            try {
                await this.runOnce();
                backoff = 0;
                continue;
            }
            catch (caught) {
                let error = caught;
                if (!groupGone(error) && !transient(error))
                    throw error;
                if (groupGone(error)) {
                    try {
                        this.#cursor = "0-0";
                        await this.ensureGroup("0");
                        continue;
                    }
                    catch (again) {
                        if (!transient(again))
                            throw again;
                        error = again;
                    }
                }
                if (backoff === 0)
                    console.warn(`${this.#key}: ${messageOf(error) || error}; retrying`);
                backoff = Math.min(backoff ? backoff * 2 : 100, 5_000);
            }
            await sleep(backoff, signal);
        }
    }
    /** XAUTOCLAIM idle pending entries; those past the delivery limit are dead-lettered. */
    async #claim(batch) {
        // XAUTOCLAIM at most every claimEveryMs; at once while a scan is under way.
        if (performance.now() < this.#nextClaim)
            return [];
        const [cursor, entries] = (await this.#redis.callBuffer("XAUTOCLAIM", this.#key, this.#group, this.#consumer, this.#claimIdleMs, this.#cursor, "COUNT", this.#batch));
        this.#cursor = text(cursor);
        this.#nextClaim =
            this.#cursor !== "0-0" || entries.length >= this.#batch
                ? 0
                : performance.now() + this.#claimEveryMs;
        const live = [];
        for (const item of entries) {
            if (item === null)
                continue; // Redis 6.2: an entry deleted while pending
            const id = text(item[0]);
            if (item[1] === null)
                batch.acks.push(id);
            else
                live.push({ id, fields: item[1], deliveries: 0 });
        }
        if (live.length === 0)
            return [];
        const pipeline = this.#redis.pipeline();
        for (const { id } of live)
            pipeline.xpending(this.#key, this.#group, id, id, 1);
        const pending = (await pipeline.exec()) ?? [];
        const out = [];
        live.forEach((item, i) => {
            const [error, rows] = pending[i] ?? [null, []];
            if (error)
                throw error;
            const row = rows[0];
            if (row === undefined || row[1] !== this.#consumer)
                return; // acked or taken meanwhile
            item.deliveries = Number(row[3]);
            if (item.deliveries <= this.#maxDeliveries) {
                out.push(item);
                return;
            }
            const last = this.#lastErrors.get(item.id);
            this.#deadLetter(batch, item, "delivery-limit", last === undefined ? [] : [{ error: last }]);
        });
        return out;
    }
    async #read(count, block) {
        const args = ["GROUP", this.#group, this.#consumer, "COUNT", count];
        if (block && this.#blockMs > 0)
            args.push("BLOCK", this.#blockMs);
        const reply = (await this.#redis.callBuffer("XREADGROUP", ...args, "STREAMS", this.#key, ">"));
        if (reply === null)
            return [];
        const out = [];
        for (const [, entries] of reply) {
            for (const [id, fields] of entries) {
                out.push({ id: text(id), fields: fields ?? [], deliveries: 1 });
            }
        }
        return out;
    }
    async #process(item, batch) {
        const verdict = this.#validate(item.fields);
        if (verdict.reason !== undefined) {
            this.#deadLetter(batch, item, verdict.reason, verdict.errors);
            return;
        }
        const { envelope, handler, fingerprintMatches } = verdict;
        const { id: entryId, deliveries } = item;
        try {
            const delivery = { envelope, entryId, deliveries, fingerprintMatches };
            await handler(envelope.data, delivery);
        }
        catch (error) {
            batch.failed += 1;
            this.#remember(entryId, error);
            const { type, version } = envelope;
            try {
                this.#onError(error, { entryId, type, version, deliveries });
            }
            catch {
                // a failing error reporter must not stop the batch
            }
            return;
        }
        batch.handled += 1;
        batch.acks.push(item.id);
        this.#lastErrors.delete(item.id);
    }
    /** `{envelope, handler, fingerprintMatches}`, or `{reason, errors}` to dead-letter. */
    #validate(fields) {
        let raw;
        const names = [];
        for (let i = 0; i + 1 < fields.length; i += 2) {
            const name = text(fields[i]);
            names.push(name);
            if (name === ENVELOPE_FIELD && raw === undefined)
                raw = fields[i + 1];
        }
        if (raw === undefined) {
            const got = `fields ${JSON.stringify(names)}`;
            return invalid([{ pointer: "", expected: `a field "${ENVELOPE_FIELD}"`, got }]);
        }
        let envelope;
        try {
            envelope = envelopeContract.parseJson(raw, this.#limits);
        }
        catch (error) {
            if (error instanceof ContractViolation)
                return invalid(error.violations);
            throw error;
        }
        const { type, version } = envelope;
        let entry;
        try {
            entry = messageContract(type, version);
        }
        catch (error) {
            if (error instanceof UnknownMessage) {
                return { reason: "unknown-contract", errors: unknownViolations(type, version) };
            }
            throw error;
        }
        if (this.#allowed !== null && !this.#allowed.has(entry.contract)) {
            const expected = `a type stream ${this.#stream} carries (${describe(this.#allowed)})`;
            return refused("not-in-catalog", expected, type, version);
        }
        const fingerprintMatches = envelope.fingerprint === entry.fingerprint;
        if (!fingerprintMatches)
            this.#drifted(type, version, envelope.fingerprint, entry.fingerprint);
        try {
            contract(entry.contract).parse(envelope.data);
        }
        catch (error) {
            if (error instanceof UnknownContract) {
                return { reason: "unknown-contract", errors: unknownViolations(type, version) };
            }
            if (!(error instanceof ContractViolation))
                throw error;
            const errors = error.violations.map((v) => ({ ...v, pointer: `/data${v.pointer}` }));
            return invalid(errors);
        }
        const handler = this.#handlers.get(`${type}@${version}`);
        if (handler === undefined) {
            const known = [...this.#handlers.keys()].map((k) => k.replace("@", " v")).join(", ");
            const expected = `a type with a handler in group ${this.#group} (${known || "none"})`;
            return refused("no-handler", expected, type, version);
        }
        return { envelope, handler, fingerprintMatches };
    }
    #drifted(type, version, theirs, ours) {
        const key = `${type}@${version}:${theirs}`;
        const seen = this.drift.get(key);
        this.drift.set(key, (seen ?? 0) + 1);
        if (seen === undefined) {
            console.warn(`${this.#key}: ${type} v${version} produced from another version of its contract` +
                ` (fingerprint ${theirs}, ours ${ours})`);
        }
    }
    #remember(id, error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        this.#lastErrors.delete(id);
        this.#lastErrors.set(id, message);
        if (this.#lastErrors.size > LAST_ERRORS_KEPT) {
            const oldest = this.#lastErrors.keys().next();
            if (!oldest.done)
                this.#lastErrors.delete(oldest.value);
        }
    }
    #deadLetter(batch, item, reason, errors) {
        this.#lastErrors.delete(item.id);
        batch.dead.push({ ...item, reason, errors });
    }
    /** Dead letters (XADD to the DLQ) and one multi-id XACK, in one MULTI when needed. */
    async #settle(batch) {
        const ids = batch.acks.concat(batch.dead.map((d) => d.id));
        if (ids.length === 0)
            return;
        if (batch.dead.length === 0) {
            await this.#redis.xack(this.#key, this.#group, ...ids);
            return;
        }
        const time = new Date().toISOString();
        const tx = this.#redis.multi();
        for (const dead of batch.dead) {
            tx.xadd(this.#dlq, "*", ...dead.fields, "dlq.reason", dead.reason, "dlq.errors", JSON.stringify(dead.errors), "dlq.stream", this.#key, "dlq.entry_id", dead.id, "dlq.group", this.#group, "dlq.consumer", this.#consumer, "dlq.deliveries", String(dead.deliveries), "dlq.time", time);
        }
        tx.xack(this.#key, this.#group, ...ids);
        const results = await tx.exec();
        for (const [error] of results ?? [])
            if (error)
                throw error;
    }
}
