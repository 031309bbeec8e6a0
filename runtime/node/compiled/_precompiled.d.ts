import { isMultiple } from "./_formats.js";
import type { LinearRegExp } from "./_regex.js";
import type { AjvError } from "./_violations.js";
/** A precompiled validator of one schema location. */
export type Precompiled = (value: unknown, path?: string, errors?: AjvError[]) => boolean;
/**
 * `run()`, with every union branch's errors on an object remembered meanwhile (the
 * generated branch validators ask `recall` first and tell `keep`): the union report
 * asks for a branch's errors apart, on a value the contract's validation tried it on
 * already. Only while one message is worded: a caller's objects may change after.
 */
export declare function remembering<T>(run: () => T): T;
/** What the generated validators call. */
export declare const CHECKS: Readonly<{
    /**
     * A union branch's remembered verdict on `value`, its errors pushed (their
     * instancePath moved to `path`), or undefined (not remembered).
     */
    recall: (check: Precompiled, value: unknown, path: string, errors: AjvError[]) => boolean | undefined;
    /**
     * A union branch's verdict on `value` (whether it pushed no error after the first
     * `count`), remembered with its errors while a message is worded.
     */
    keep: (check: Precompiled, value: unknown, path: string, errors: AjvError[], count: number) => boolean;
    /** An own property that is not undefined: Ajv's `required` with ownProperties. */
    has: (value: object, key: string) => boolean;
    /** Length in code points, as Ajv counts it for minLength and maxLength. */
    length: (s: string) => number;
    isMultiple: typeof isMultiple;
    /** Ajv's deep equality (enum and const). */
    equal: (a: unknown, b: unknown) => boolean;
    formats: Readonly<Record<string, (value: string) => boolean>>;
    /**
     * A failed assertion: true (the validator returns false) when no errors are
     * collected; otherwise pushes the errors of the branches Ajv keeps (`before`) and
     * Ajv's own error object, and returns false (the validator goes on).
     */
    fail: (errors: AjvError[] | undefined, keyword: string, instancePath: string, params: Readonly<Record<string, unknown>>, message?: string, propertyName?: string, before?: readonly AjvError[]) => boolean;
    /** A property name as a JSON Pointer token. */
    esc: (key: string) => string;
    /**
     * The indices [i, j] Ajv's uniqueItems reports for a repeated item, or null: its
     * loop keyed by value when the items' schema names scalar types (`types`), its
     * pairwise loop with deep equality otherwise (they find different pairs).
     */
    duplicate: (items: readonly unknown[], types: readonly string[] | null) => [number, number] | null;
    /**
     * Ajv's contains with minContains/maxContains (`max` undefined: none): whether
     * `items` holds enough matching items, each tried with `check` in Ajv's order (the
     * errors of the items tried are pushed, as Ajv keeps them when it fails).
     */
    contains: (items: readonly unknown[], check: Precompiled, path: string | undefined, errors: AjvError[] | undefined, min: number, max: number | undefined) => boolean;
    /**
     * The validator of a location of another schema file ("<path>#<JSON pointer>"),
     * whose module is read on the first call.
     */
    ref: (location: string) => Precompiled;
    /** A pattern of the schemas, compiled (by _regex.ts's rules) on first use. */
    pattern: (source: string) => LinearRegExp;
}>;
/**
 * The precompiled validator of `location` ("<path>#<JSON pointer>"), after reading
 * the module of schema file `file` when `hasModule`, or null. Every module read
 * registers each location it holds; two modules holding one location hold the same
 * function (the same schema, the same draft).
 */
export declare function precompiled(file: string, hasModule: boolean, location: string): Precompiled | null;
