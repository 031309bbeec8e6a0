import type { ManifestContract } from "./_manifest.js";
/** A message type and version this package has no contract for. */
export declare class UnknownMessage extends Error {
    readonly type: string;
    readonly version: number;
    constructor(type: string, version: number);
}
/** The manifest entry of a message type and version, or throws UnknownMessage. */
export declare function messageContract(type: string, version: number): ManifestContract;
/** The envelope's fields, as the runtime reads them (the package types them fully). */
export interface EnvelopeShape {
    readonly id: string;
    readonly type: string;
    readonly version: number;
    readonly fingerprint: string;
    readonly time: string;
    readonly source: string;
    readonly trace?: unknown;
    readonly correlation_id?: string;
    readonly data: unknown;
}
/** Options of buildEnvelope; `source` names the producing service. */
export interface BuildOptions {
    readonly source: string;
    readonly id?: string | undefined;
    readonly time?: string | undefined;
    readonly trace?: unknown;
    readonly correlationId?: string | undefined;
}
/** A received envelope and its payload, both validated. */
export interface ReadResult {
    envelope: EnvelopeShape;
    message: {
        type: string;
        version: number;
        data: unknown;
    };
    /** False when the producer was built from another version of the contract. */
    fingerprintMatches: boolean;
}
/** The envelope functions over one envelope contract (e.g. "envelope.v1.json"). */
export interface Envelopes {
    buildEnvelope(type: string, version: number, data: unknown, options: BuildOptions): EnvelopeShape;
    readEnvelope(value: unknown): ReadResult;
    readEnvelopeJson(text: string | Uint8Array): ReadResult;
}
/**
 * The current time as the envelope writes it (RFC 3339, UTC, milliseconds). The text
 * is made once per millisecond: a batch published within one reuses it.
 */
export declare function isoNow(): string;
/**
 * The envelope of message `type` v`version` (contract fingerprint `fingerprint`)
 * around an already validated payload, not validated itself; its id and time are
 * made here unless `options` gives them. Fields in the wire's order, one object
 * literal per combination of the optional ones (a stable shape for the validator).
 */
export declare function makeEnvelope(type: string, version: number, fingerprint: string, data: unknown, options: BuildOptions): EnvelopeShape;
export declare function envelopes(envelopeId: string): Envelopes;
