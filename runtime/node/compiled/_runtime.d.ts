import type { Violation } from "./_violations.js";
export { FORMATS, isDate, isDateTime, isDuration, isEmail, isHostname, isIpv4, isIpv6, isMultiple, isTime, isUri, isUuid, punycodeDecode, } from "./_formats.js";
export type { FormatName } from "./_formats.js";
export { ContractViolation, MAX_VIOLATIONS, RuntimeContractError, UnknownContract, capped, omittedLine, violationText, } from "./_violations.js";
export type { Violation, Where } from "./_violations.js";
/** Limits checked on JSON text before it is parsed. */
export interface Limits {
    /** Size of the UTF-8 text in bytes (default 1 MiB). */
    readonly maxBytes?: number;
    /** Nesting depth of arrays and objects (default 64). */
    readonly maxDepth?: number;
}
export declare const DEFAULT_LIMITS: Readonly<Required<Limits>>;
/** Validation against one contract (compiled on first use). */
export interface Contract<T = unknown> {
    /** The schema path, with a fragment for a definition inside the file. */
    readonly id: string;
    /** Whether `value` satisfies the contract. */
    is(value: unknown): value is T;
    /** `value` itself, or throws ContractViolation listing every error. */
    parse(value: unknown): T;
    /** Every violation of `value` (none when it satisfies the contract). */
    errors(value: unknown): Violation[];
    /** JSON text (limits checked before parsing) as T, or throws ContractViolation. */
    parseJson(text: string | Uint8Array, limits?: Limits): T;
}
/**
 * For tests: the precompiled validator's verdict on `value` (null when the contract has
 * none) and Ajv's, and the violations the runtime reports with it and with Ajv alone
 * (null: none precompiled). They must agree.
 */
export declare function verdicts(id: string, value: unknown): {
    precompiled: boolean | null;
    ajv: boolean;
    mine: Violation[] | null;
    theirs: Violation[];
};
/**
 * The contract of a schema file or of a location inside one, e.g.
 * "order/order_created.v1.json" or "common/problem.json#/$defs/ProblemDetails".
 * Compiled on first use, once. Throws UnknownContract when the package has no
 * such schema file.
 */
export declare function contract<T = unknown>(id: string): Contract<T>;
/** The deepest nesting of arrays and objects in JSON text (strings skipped). */
export declare function nestingDepth(text: string): number;
/** The size of text as UTF-8, in bytes (a lone surrogate counts as U+FFFD, 3 bytes). */
export declare function utf8Length(text: string): number;
/**
 * Throws the ContractViolation of contract `id` when JSON text we wrote is larger or
 * deeper than `limits` (what a consumer would refuse): the same check as parseJson's,
 * with the depth measured only when the text holds enough brackets to exceed it.
 */
export declare function checkLimits(id: string, text: string, limits?: Limits): void;
/** The nesting depth of JSON text when it is above `maxDepth`, else null. */
export declare function depthOver(text: string, maxDepth: number): number | null;
