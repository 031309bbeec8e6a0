import { makeEnvelope, messageContract } from "./_envelope.js";
import { DEFAULT_LIMITS, checkLimits, contract } from "./_runtime.js";
import { Telemetry } from "./telemetry.js";
import { ENVELOPE_CONTRACT, ENVELOPE_FIELD, StreamNotInCatalog, carriedBy, envelopeContract, located, positive, streamKey, } from "./_streams_common.js";
/** `MAXLEN ~ n`, or nothing without a bound. */
const trimArgs = (maxLen) => maxLen === undefined ? [] : ["MAXLEN", "~", String(maxLen)];
/** Publishes validated envelopes on catalogue streams. */
export class Publisher {
    #redis;
    #source;
    #maxLen;
    #limits;
    #trim;
    /** Per stream: its key and the contracts the catalogue allows on it. */
    #targets = new Map();
    #telemetry;
    /** The contracts whose envelope this publisher has validated whole. */
    #checked = new Set();
    /** The trace context last injected and validated in an envelope (one per batch). */
    #checkedTrace;
    constructor(redis, options) {
        if (typeof options?.source !== "string")
            throw new TypeError("options.source is required");
        this.#redis = redis;
        this.#telemetry = options.telemetry ?? new Telemetry();
        this.#source = options.source;
        this.#maxLen = positive("maxLen", options.maxLen, undefined);
        this.#trim = trimArgs(this.#maxLen);
        this.#limits = options.limits ?? DEFAULT_LIMITS;
    }
    #target(stream) {
        let target = this.#targets.get(stream);
        if (target === undefined) {
            target = { key: streamKey(stream), allowed: carriedBy(stream) };
            this.#targets.set(stream, target);
        }
        return target;
    }
    /** XADD arguments for one message; throws before anything is written. */
    #prepare(stream, type, version, data, options = {}, trace) {
        const { key, allowed } = this.#target(stream);
        const entry = messageContract(type, version);
        if (allowed !== null && !allowed.has(entry.contract)) {
            throw new StreamNotInCatalog(stream, type, version, allowed);
        }
        const payload = contract(entry.contract).parse(data);
        const own = options.id === undefined && options.time === undefined &&
            options.correlationId === undefined && options.trace === undefined;
        const envelope = makeEnvelope(type, version, entry.fingerprint, payload, {
            source: this.#source,
            id: options.id,
            time: options.time,
            trace: options.trace ?? trace,
            correlationId: options.correlationId,
        });
        // The envelope is validated whole, as buildEnvelope does, unless every field of it
        // is one this publisher has validated before: the type's own fields and the source
        // (validated with its first message), the id and time the runtime made itself
        // (randomUUID, the clock), and the trace context it injected (validated with the
        // first message of its batch). Anything the caller gave is validated every time.
        const known = this.#checked.has(entry.contract);
        if (!own || !known || (trace !== undefined && trace !== this.#checkedTrace)) {
            envelopeContract.parse(envelope);
            this.#checked.add(entry.contract);
            if (own)
                this.#checkedTrace = trace;
        }
        const trim = options.maxLen === undefined ? this.#trim : trimArgs(positive("maxLen", options.maxLen, 0));
        const text = JSON.stringify(envelope);
        checkLimits(ENVELOPE_CONTRACT, text, this.#limits);
        return trim.length === 0
            ? [key, "*", ENVELOPE_FIELD, text]
            : [key, ...trim, "*", ENVELOPE_FIELD, text];
    }
    /**
     * Validates `data` (throws ContractViolation or UnknownMessage), checks the
     * catalogue allows the type on `stream` (throws StreamNotInCatalog), XADDs the
     * envelope and resolves to the Redis entry id.
     */
    async publish(stream, type, version, data, options) {
        const tel = this.#telemetry;
        const span = tel.messaging("send", stream, options?.id === undefined ? {} : { messageId: options.id });
        try {
            let args;
            try {
                const trace = tel.within(span, () => tel.inject());
                args = this.#prepare(stream, type, version, data, options, trace);
            }
            catch (error) {
                throw located(error, { stream });
            }
            const id = (await this.#redis.xadd(...args));
            tel.count("contracts.messages.published", { "messaging.destination.name": stream });
            return id;
        }
        catch (error) {
            Telemetry.fail(span, error?.name ?? "Error");
            throw error;
        }
        finally {
            Telemetry.end(span);
        }
    }
    /** Validates every item first (nothing is written if one fails), then one pipeline. */
    async publishMany(stream, items) {
        const tel = this.#telemetry;
        const span = tel.messaging("send", stream, { count: items.length });
        try {
            const trace = tel.within(span, () => tel.inject());
            const commands = items.map((item, index) => {
                try {
                    return this.#prepare(stream, item.type, item.version, item.data, item.options, trace);
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
            const ids = results.map(([error, id]) => {
                if (error)
                    throw error;
                return id;
            });
            tel.count("contracts.messages.published", { "messaging.destination.name": stream }, ids.length);
            return ids;
        }
        catch (error) {
            Telemetry.fail(span, error?.name ?? "Error");
            throw error;
        }
        finally {
            Telemetry.end(span);
        }
    }
}
