import type { Limits } from "./_jsontext.js";
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
 * For tests (tests/test_union_prune_node.py): `run()` with the union report's
 * shortcuts off: every branch's violations asked for, every value walked, nothing
 * remembered while a message is worded. The words must be the same.
 */
export declare function plainly<T>(run: () => T): T;
/**
 * For tests (tests/test_union_prune_node.py): `run()` with every branch a closest one
 * is picked from asked for its errors, and each such branch's [floor, members in
 * error] (_bounds.ts: the floor is never above the count).
 */
export declare function auditFloors<T>(run: () => T): [T, [number, number][]];
/**
 * For tests: whether the union report rules out the schema at `path#pointer` for
 * `value` without a validation, and if so, the violations a validation finds there.
 */
export declare function ruledOut(path: string, pointer: string, value: unknown): {
    doomed: boolean;
    violations: Violation[] | null;
};
/**
 * For tests: whether contract `id`'s refusals are worded from its union's own error
 * (unionSummary), its branches left to the union report.
 */
export declare function unionAlone(id: string): boolean;
/**
 * The contract of a schema file or of a location inside one, e.g.
 * "order/order_created.v1.json" or "common/problem.json#/$defs/ProblemDetails".
 * Compiled on first use, once. Throws UnknownContract when the package has no
 * such schema file.
 */
export declare function contract<T = unknown>(id: string): Contract<T>;
