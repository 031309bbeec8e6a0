import type { AjvError } from "./_violations.js";
/** A schema of the bundle, as it reads it: a file's uri, its schema and its draft. */
export interface ExactEntry {
    readonly uri: string;
    readonly draft: string;
    readonly schema: unknown;
}
/** Ajv's shape of a validate function: the verdict, and `errors` after a failure. */
export interface ExactCheck {
    (value: unknown): boolean;
    errors: AjvError[] | null;
}
/** The JSON pointer a contract id's fragment spells (percent-escapes decoded). */
export declare function fragmentPointer(fragment: string): string;
/**
 * The exact validator of the location `pointer` of the bundled file `at`, over the
 * bundled files `entries` (those the contract reaches), read with its draft.
 */
export declare function exactCheck(at: ExactEntry, entries: readonly ExactEntry[], pointer: string): ExactCheck;
