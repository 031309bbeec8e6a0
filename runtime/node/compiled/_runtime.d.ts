import type { Limits } from "./_jsontext.js";
import { isMultiple } from "./_formats.js";
import type { LinearRegExp } from "./_regex.js";
import type { Violation } from "./_violations.js";
export { FORMATS, isDate, isDateTime, isDuration, isEmail, isHostname, isIpv4, isIpv6, isMultiple, isTime, isUri, isUuid, punycodeDecode, } from "./_formats.js";
export type { FormatName } from "./_formats.js";
export { ContractViolation, MAX_VIOLATIONS, RuntimeContractError, UnknownContract, capped, omittedLine, violationText, } from "./_violations.js";
export type { Violation, Where } from "./_violations.js";
export { DEFAULT_LIMITS, checkLimits, depthOver, nestingDepth, utf8Length } from "./_jsontext.js";
export type { Limits } from "./_jsontext.js";
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
 * A check `contracts generate` wrote for a contract (codegen/typescript/validators.py)
 * into `_checks/<schema file>.cjs`: true only for a value the contract accepts (Ajv,
 * configured as here, would accept it); false for any other value and for some valid
 * ones no JSON text makes, which Ajv then judges. A valid message is answered without
 * compiling a schema; the file is read (synchronously, once) on the first validation
 * of one of its contracts, so importing the package reads none.
 */
export type AcceptCheck = (value: unknown) => boolean;
/** What the generated checks call: the runtime's own formats, patterns and numbers. */
export declare const CHECKS: Readonly<{
    /** An own property that is not undefined: Ajv's `required` with ownProperties. */
    has: (value: object, key: string) => boolean;
    /** Length in code points, as Ajv counts it for minLength and maxLength. */
    length: (s: string) => number;
    isMultiple: typeof isMultiple;
    /** Ajv's deep equality (enum and const). */
    equal: (a: unknown, b: unknown) => boolean;
    formats: Readonly<Record<string, (value: string) => boolean>>;
    /** Whether items are distinct scalars (false for any object or array among them). */
    unique: (items: readonly unknown[]) => boolean;
    /** A pattern of the schemas, compiled (by _regex.ts's rules) on first use. */
    pattern: (source: string) => LinearRegExp;
}>;
/**
 * The precompiled check's verdict on `value` (null when the contract has none) and
 * Ajv's, for tests: the first may be true only where the second is.
 */
export declare function verdicts(id: string, value: unknown): {
    precompiled: boolean | null;
    ajv: boolean;
};
/**
 * The contract of a schema file or of a location inside one, e.g.
 * "order/order_created.v1.json" or "common/problem.json#/$defs/ProblemDetails".
 * Compiled on first use, once. Throws UnknownContract when the package has no
 * such schema file.
 */
export declare function contract<T = unknown>(id: string): Contract<T>;
