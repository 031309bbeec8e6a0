// Build and read the envelope around a typed payload, so a service never writes the
// wire format by hand. The generated `envelope.js` binds these to its envelope
// contract and `envelope.d.ts` types them by message type and version.
import { randomUUID } from "node:crypto";
import { MANIFEST } from "./_manifest.js";
import { contract } from "./_runtime.js";
/** Message type -> major version -> manifest entry. */
const byMessage = new Map();
for (const c of MANIFEST.contracts) {
    if (c.type === null || c.version === null)
        continue;
    let versions = byMessage.get(c.type);
    if (versions === undefined)
        byMessage.set(c.type, (versions = new Map()));
    versions.set(c.version, c);
}
/** A message type and version this package has no contract for. */
export class UnknownMessage extends Error {
    type;
    version;
    constructor(type, version) {
        const known = MANIFEST.contracts.filter((c) => c.type === type).map((c) => c.version);
        super(known.length
            ? `no contract for ${type} v${version} (known versions ${JSON.stringify(known)})`
            : `no contract for ${type} v${version} (unknown message type)`);
        this.name = "UnknownMessage";
        this.type = type;
        this.version = version;
    }
}
/** The manifest entry of a message type and version, or throws UnknownMessage. */
export function messageContract(type, version) {
    const entry = byMessage.get(type)?.get(version);
    if (entry === undefined)
        throw new UnknownMessage(type, version);
    return entry;
}
/**
 * The current time as the envelope writes it (RFC 3339, UTC, milliseconds). The text
 * is made once per millisecond: a batch published within one reuses it.
 */
export function isoNow() {
    const now = Date.now();
    if (now !== lastMs) {
        lastMs = now;
        lastIso = new Date(now).toISOString();
    }
    return lastIso;
}
let lastMs = Number.NaN;
let lastIso = "";
/**
 * The envelope of message `type` v`version` (contract fingerprint `fingerprint`)
 * around an already validated payload, not validated itself; its id and time are
 * made here unless `options` gives them. Fields in the wire's order, one object
 * literal per combination of the optional ones (a stable shape for the validator).
 */
export function makeEnvelope(type, version, fingerprint, data, options) {
    const id = options.id ?? randomUUID();
    const time = options.time ?? isoNow();
    const { source, trace, correlationId } = options;
    if (correlationId === undefined) {
        return trace === undefined
            ? { id, type, version, fingerprint, time, source, data }
            : { id, type, version, fingerprint, time, source, trace, data };
    }
    return trace === undefined
        ? { id, type, version, fingerprint, time, source, correlation_id: correlationId, data }
        : { id, type, version, fingerprint, time, source, trace, correlation_id: correlationId, data };
}
export function envelopes(envelopeId) {
    const envelopeContract = contract(envelopeId);
    /**
     * Wraps a payload in a validated envelope: id, type, version, the contract's
     * fingerprint, time, source, trace context. Throws ContractViolation if the
     * payload breaks its contract.
     */
    function buildEnvelope(type, version, data, options) {
        const entry = messageContract(type, version);
        const payload = contract(entry.contract).parse(data);
        return envelopeContract.parse(makeEnvelope(type, version, entry.fingerprint, payload, options));
    }
    /** Validates an envelope and its payload against the contract it names. */
    function readEnvelope(value) {
        const envelope = envelopeContract.parse(value);
        const entry = messageContract(envelope.type, envelope.version);
        const data = contract(entry.contract).parse(envelope.data);
        return {
            envelope,
            message: { type: envelope.type, version: envelope.version, data },
            fingerprintMatches: envelope.fingerprint === entry.fingerprint,
        };
    }
    /** JSON text (size and depth checked first) to a validated envelope and payload. */
    function readEnvelopeJson(text) {
        return readEnvelope(envelopeContract.parseJson(text));
    }
    return { buildEnvelope, readEnvelope, readEnvelopeJson };
}
