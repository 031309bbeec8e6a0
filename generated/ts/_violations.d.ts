/** One broken rule: at `pointer` (RFC 6901), `expected` X, `got` Y. */
export interface Violation {
    readonly pointer: string;
    readonly expected: string;
    readonly got: string;
}
/** Where a value was (stream and entry id, or HTTP route), when known. */
export type Where = Readonly<Record<string, string | number>>;
/**
 * Violations listed in a dead letter, an HTTP problem or an error's text; the rest
 * are counted (`dlq.errors_omitted`, `errors_omitted`, the omitted line), as in the
 * Python runtime (runtime/errors.py), with the same number and the same line.
 */
export declare const MAX_VIOLATIONS = 100;
/** The first MAX_VIOLATIONS and how many more there are. */
export declare function capped<T>(violations: readonly T[]): [T[], number];
/** The line that ends a capped list of violations. */
export declare function omittedLine(omitted: number): string;
/** A violation as one line of text: `pointer: expected X, got Y`. */
export declare function violationText(v: Violation): string;
/**
 * A short JSON rendering of an offending value (runtime/_pointer.py's show): at most
 * 80 code points, else the first 77 and "...". Only the first 162 UTF-16 units of
 * the JSON text are written: 81 code points at least, enough to decide.
 */
export declare function show(value: unknown): string;
/** Strings ordered by code point (as Python compares them), not by UTF-16 unit. */
export declare function compareCodePoints(a: string, b: string): number;
/** An Ajv error: the fields read here (of Ajv's ErrorObject, or a standalone validator's). */
export interface AjvError {
    readonly keyword: string;
    readonly instancePath: string;
    readonly params: Readonly<Record<string, unknown>>;
    readonly message?: string | undefined;
    readonly propertyName?: string | undefined;
}
/**
 * `run()`, with each Ajv error's violation and each value's rendering remembered
 * meanwhile: the union report asks for a branch's errors apart, and the precompiled
 * validators give it the very error objects the contract's validation made
 * (_precompiled.ts's remembering); the branches of a union render the same values.
 * Only while one message is worded: a caller's objects may change after.
 */
export declare function wording<T>(run: () => T): T;
/** Ajv's errors of one value as violations (not yet sorted). */
export declare function toViolations(errors: readonly AjvError[] | null | undefined, instance: unknown): Violation[];
/** A violation's three texts as one string, different for different violations. */
export declare function violationKey(v: Violation): string;
/**
 * Without a type error beside a failed `enum` or `const` of the same value
 * (`{"type": "string", "enum": ["a"]}` given 5): the allowed values say it, as the Python
 * runtime words it (Pydantic's Literal reports the enum alone; runtime/errors.py).
 */
export declare function besideEnum(violations: readonly Violation[]): Violation[];
/** Sorted (by pointer, expected, got) and without duplicates, like the Python runtime. */
export declare function normalise(violations: Iterable<Violation>): Violation[];
/** Base of the runtime's errors. */
export declare class RuntimeContractError extends Error {
    constructor(message?: string);
}
/** The contract (schema path) is not in the generated package. */
export declare class UnknownContract extends RuntimeContractError {
}
/** A value does not satisfy its contract; `violations` lists every error. */
export declare class ContractViolation extends RuntimeContractError {
    /** The contract, e.g. "order/order_created.v1.json". */
    readonly contract: string;
    /** Every violation, sorted by pointer, expected, got, without duplicates. */
    readonly violations: readonly Violation[];
    /** Where the value was (stream and entry id, or HTTP route), when known. */
    readonly where: Where;
    constructor(contract: string, violations: Iterable<Violation>, where?: Where);
    toJSON(): {
        contract: string;
        where: Where;
        violations: readonly Violation[];
    };
}
