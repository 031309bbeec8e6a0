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
/**
 * The exact validator of the location `target` (a bundle uri with a fragment), over
 * the bundled files `entries` (those the contract reaches), read with `draft`.
 */
export declare function exactCheck(draft: string, entries: readonly ExactEntry[], target: string): ExactCheck;
