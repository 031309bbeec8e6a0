import { UnknownMessage, messageContract } from "./_envelope.js";
import { ContractViolation, UnknownContract, contract } from "./_runtime.js";
import { Telemetry } from "./telemetry.js";
import { addDeadLetters, COPIED_FIELDS, DEAD_LETTER_MAXLEN, ENVELOPE_FIELD, LAST_ERRORS_KEPT, SETTLE, StreamNotInCatalog, carriedBy, deadLetterFields, deadLetterKey, describe, envelopeContract, groupGone, invalid, measured, messageOf, positive, refused, refusedScript, retryKey, settleArgs, settled, sleep, streamKey, text, timed, transient, unknownViolations, } from "./_streams_common.js";
export { DEAD_LETTER_MAXLEN, DEAD_LETTER_REASONS, StreamNotInCatalog, deadLetterKey, retryKey, streamKey, } from "./_streams_common.js";
export { Publisher } from "./_publisher.js";
// -- Consuming ---------------------------------------------------------------------------
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
    #retry;
    #dlq;
    #deadLetterMaxLen;
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
    #cursors = new Map();
    #lastErrors = new Map();
    #scripting = true; // false once Redis refused SETTLE (ACL, EVAL disabled)
    #telemetry;
    #where;
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
        this.#retry = retryKey(options.stream, options.group);
        this.#deadLetterMaxLen =
            options.deadLetterMaxLen === null
                ? null
                : positive("deadLetterMaxLen", options.deadLetterMaxLen, DEAD_LETTER_MAXLEN);
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
        this.#telemetry = options.telemetry ?? new Telemetry();
        this.#where = {
            "messaging.destination.name": options.stream,
            "messaging.consumer.group.name": options.group,
        };
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
    /**
     * `XGROUP CREATE <key> <group> <start> MKSTREAM`, and the group on its retry stream
     * (from its start); an existing group is fine.
     */
    async ensureGroup(start = "$") {
        if (start !== "$" && start !== "0") {
            throw new RangeError(`start must be "$" or "0", got ${start}`);
        }
        for (const [key, first] of [[this.#key, start], [this.#retry, "0"]]) {
            try {
                await this.#redis.xgroup("CREATE", key, this.#group, first, "MKSTREAM");
            }
            catch (error) {
                if (!messageOf(error).startsWith("BUSYGROUP"))
                    throw error;
            }
        }
    }
    /**
     * One cycle: XAUTOCLAIM idle pending entries (past `maxDeliveries`: dead letter),
     * XREADGROUP a batch, validate and handle each, then dead-letter and XACK.
     */
    async runOnce() {
        const tel = this.#telemetry;
        const batch = {
            acks: [],
            dead: [],
            handled: 0,
            failed: 0,
            tracing: tel.tracing,
            metering: tel.metering,
            times: new Map(),
            last: undefined,
            mark: undefined,
        };
        const claimed = await this.#claim(batch);
        const idle = claimed.length === 0 && batch.acks.length === 0 && batch.dead.length === 0;
        const room = this.#batch - claimed.length;
        const fresh = room > 0 ? await this.#read(room, idle) : [];
        const items = claimed.concat(fresh);
        if (batch.tracing && items.length > 0) {
            const group = this.#group;
            Telemetry.end(tel.messaging("receive", this.#stream, { group, count: items.length }));
        }
        for (const item of items) {
            const handling = this.#process(item, batch);
            if (handling !== undefined) {
                await handling;
                batch.mark = undefined;
            }
        }
        const settle = batch.tracing
            ? tel.messaging("settle", this.#stream, {
                group: this.#group,
                count: batch.acks.length + batch.dead.length,
            })
            : undefined;
        try {
            await this.#settle(batch);
        }
        finally {
            Telemetry.end(settle);
        }
        if (batch.metering)
            measured(tel, this.#where, batch);
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
                        this.#cursors.clear();
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
    /**
     * XAUTOCLAIM idle pending entries of the stream and of the retry stream; those past
     * the delivery limit are dead-lettered, and those trimmed (MAXLEN) while pending,
     * whose ids XAUTOCLAIM returns, are dead-lettered as `trimmed`.
     */
    async #claim(batch) {
        // XAUTOCLAIM at most every claimEveryMs; at once while a scan is under way.
        if (performance.now() < this.#nextClaim)
            return [];
        if (batch.metering)
            await this.#observeGroup();
        const live = [];
        let more = false;
        for (const key of [this.#key, this.#retry]) {
            const reply = (await this.#redis.callBuffer("XAUTOCLAIM", key, this.#group, this.#consumer, this.#claimIdleMs, this.#cursors.get(key) ?? "0-0", "COUNT", this.#batch));
            const [cursor, entries, deleted = []] = reply;
            const next = text(cursor);
            this.#cursors.set(key, next);
            more ||= next !== "0-0" || entries.length >= this.#batch;
            const trimmed = deleted.map(text);
            for (const item of entries) {
                if (item === null)
                    continue; // Redis 6.2: an entry deleted while pending
                if (item[1] === null)
                    trimmed.push(text(item[0]));
                else
                    live.push({ key, id: text(item[0]), fields: item[1], deliveries: 0 });
            }
            for (const id of trimmed) {
                console.warn(`entry ${id} of ${key} was trimmed (MAXLEN) while pending in group ${this.#group};` +
                    " dead-lettered as trimmed");
                this.#deadLetter(batch, { key, id, fields: [], deliveries: 0 }, "trimmed", []);
            }
        }
        this.#nextClaim = more ? 0 : performance.now() + this.#claimEveryMs;
        if (live.length === 0)
            return [];
        const pipeline = this.#redis.pipeline();
        for (const { key, id } of live)
            pipeline.xpending(key, this.#group, id, id, 1);
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
            const last = this.#lastErrors.get(errorKey(item));
            this.#deadLetter(batch, item, "delivery-limit", last === undefined ? [] : [{ error: last }]);
        });
        return out;
    }
    async #read(count, block) {
        const args = ["GROUP", this.#group, this.#consumer, "COUNT", count];
        if (block && this.#blockMs > 0)
            args.push("BLOCK", this.#blockMs);
        const reply = (await this.#redis.callBuffer("XREADGROUP", ...args, "STREAMS", this.#key, this.#retry, ">", ">"));
        if (reply === null)
            return [];
        const out = [];
        for (const [name, entries] of reply) {
            const key = text(name);
            for (const [id, fields] of entries) {
                out.push({ key, id: text(id), fields: fields ?? [], deliveries: 1 });
            }
        }
        return out;
    }
    /**
     * Validates and handles one entry. A handler that returns no promise is not awaited
     * (no microtask per message); one that does is awaited before the next entry.
     */
    #process(item, batch) {
        const tel = this.#telemetry;
        // the clock read that ended the previous message's handler, if nothing ran since
        const started = batch.metering ? (batch.mark ?? performance.now()) : 0;
        batch.mark = undefined;
        const verdict = this.#validate(item.fields);
        if (verdict.reason !== undefined) {
            this.#deadLetter(batch, item, verdict.reason, verdict.errors);
            if (batch.tracing) {
                const span = tel.messaging("process", this.#stream, { group: this.#group });
                Telemetry.fail(span, verdict.reason);
                Telemetry.end(span);
            }
            return undefined;
        }
        const { envelope, handler, fingerprintMatches } = verdict;
        const { id: entryId, deliveries } = item;
        let span;
        if (batch.tracing) {
            const trace = envelope.trace;
            if (trace !== null && typeof trace === "object") {
                const parent = trace;
                span = tel.process(this.#stream, this.#group, envelope.id, parent);
            }
        }
        const handling = batch.metering ? performance.now() : 0;
        const run = { item, batch, envelope, span, started, handling };
        let result;
        try {
            const delivery = { envelope, entryId, deliveries, fingerprintMatches };
            result =
                span === undefined
                    ? handler(envelope.data, delivery)
                    : tel.call(span, handler, envelope.data, delivery);
        }
        catch (error) {
            this.#settled(run, error, true);
            return undefined;
        }
        if (typeof result?.then !== "function") {
            this.#settled(run, undefined, false);
            return undefined;
        }
        return (async () => {
            try {
                await result;
            }
            catch (error) {
                this.#settled(run, error, true);
                return;
            }
            this.#settled(run, undefined, false);
        })();
    }
    /** The end of one handler call: its span, its durations, ack or left pending. */
    #settled(run, error, failed) {
        const { item, batch, envelope, span } = run;
        const failure = !failed ? "" : error instanceof Error ? error.name : typeof error;
        if (failed) {
            const tel = this.#telemetry;
            if (span !== undefined)
                Telemetry.fail(span, failure);
            else if (batch.tracing) {
                const other = tel.messaging("process", this.#stream, {
                    group: this.#group,
                    messageId: String(envelope.id),
                });
                Telemetry.fail(other, failure);
                Telemetry.end(other);
            }
        }
        Telemetry.end(span);
        if (batch.metering) {
            const done = performance.now();
            batch.mark = failed ? undefined : done; // the error reporter runs next
            timed(run, failure, done);
        }
        if (failed) {
            batch.failed += 1;
            this.#remember(item, error);
            const { type, version } = envelope;
            const { id: entryId, deliveries } = item;
            try {
                this.#onError(error, { entryId, type, version, deliveries });
            }
            catch {
                // a failing error reporter must not stop the batch
            }
            return;
        }
        batch.handled += 1;
        batch.acks.push(item);
        if (this.#lastErrors.size > 0)
            this.#lastErrors.delete(errorKey(item));
    }
    /** The group's pending count and lag (`XINFO GROUPS`) for the gauges. */
    async #observeGroup() {
        let groups;
        try {
            groups = (await this.#redis.call("XINFO", "GROUPS", this.#key));
        }
        catch {
            return; // no stream yet: nothing to observe
        }
        for (const row of groups) {
            const info = new Map();
            const list = row;
            for (let i = 0; i + 1 < list.length; i += 2)
                info.set(String(list[i]), list[i + 1]);
            if (info.get("name") !== this.#group)
                continue;
            const lag = info.get("lag");
            this.#telemetry.observeGroup(this.#stream, this.#group, Number(info.get("pending") ?? 0), lag === null || lag === undefined ? undefined : Number(lag));
        }
    }
    /** `{envelope, handler, fingerprintMatches}`, or `{reason, errors}` to dead-letter. */
    #validate(fields) {
        let raw;
        for (let i = 0; i + 1 < fields.length; i += 2) {
            if (text(fields[i]) === ENVELOPE_FIELD) {
                raw = fields[i + 1];
                break;
            }
        }
        if (raw === undefined) {
            const names = [];
            for (let i = 0; i + 1 < fields.length; i += 2)
                names.push(text(fields[i]));
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
        this.#telemetry.count("contracts.drift", {
            contract: `${type}.v${version}`,
            fingerprint: theirs,
        });
        if (seen === undefined) {
            console.warn(`${this.#key}: ${type} v${version} produced from another version of its contract` +
                ` (fingerprint ${theirs}, ours ${ours})`);
        }
    }
    #remember(item, error) {
        const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        const id = errorKey(item);
        this.#lastErrors.delete(id);
        this.#lastErrors.set(id, message);
        if (this.#lastErrors.size > LAST_ERRORS_KEPT) {
            const oldest = this.#lastErrors.keys().next();
            if (!oldest.done)
                this.#lastErrors.delete(oldest.value);
        }
    }
    #deadLetter(batch, item, reason, errors) {
        this.#lastErrors.delete(errorKey(item));
        batch.dead.push({ ...item, reason, errors });
    }
    /**
     * Dead letters and every ack of the batch in one atomic step: the SETTLE script when
     * there are dead letters (the server copies their fields), else one XACK per key. A
     * Redis that refuses scripts gets a MULTI of XADDs (fields and all) and XACKs.
     */
    async #settle(batch) {
        const byKey = new Map();
        for (const item of [...batch.dead, ...batch.acks]) {
            const ids = byKey.get(item.key);
            if (ids === undefined)
                byKey.set(item.key, [item.id]);
            else
                ids.push(item.id);
        }
        if (byKey.size === 0)
            return;
        if (batch.dead.length === 0) {
            for (const [key, ids] of byKey)
                await this.#redis.xack(key, this.#group, ...ids);
            return;
        }
        const time = new Date().toISOString();
        const origin = { key: this.#key, group: this.#group, consumer: this.#consumer };
        const dead = batch.dead.map((d) => [d, deadLetterFields(d, origin, time)]);
        const xadds = (tx, letters) => addDeadLetters(tx, this.#dlq, this.#deadLetterMaxLen, letters);
        if (this.#scripting) {
            const keys = [this.#dlq, this.#key, this.#retry];
            const wide = dead.filter(([d]) => d.fields.length / 2 > COPIED_FIELDS);
            // written before the script acks them: a crash between may write one twice, never lose it
            if (wide.length)
                settled(await xadds(this.#redis.multi(), wide).exec());
            const copied = dead.filter(([d]) => d.fields.length / 2 <= COPIED_FIELDS);
            const args = settleArgs(keys, this.#group, this.#deadLetterMaxLen, copied, byKey);
            try {
                await this.#redis.eval(SETTLE, keys.length, ...keys, ...args);
                return;
            }
            catch (error) {
                if (!refusedScript(error))
                    throw error;
                console.warn(`Redis refused the settle script (${messageOf(error)}); dead letters of ${this.#key}` +
                    " are sent by the client in a MULTI from now on");
                this.#scripting = false;
            }
        }
        const tx = xadds(this.#redis.multi(), dead);
        for (const [key, ids] of byKey)
            tx.xack(key, this.#group, ...ids);
        settled(await tx.exec());
    }
}
/** The key of an entry's last handler error: its stream key and id. */
function errorKey(item) {
    return `${item.key} ${item.id}`;
}
