/** Limits checked on JSON text before it is parsed. */
export interface Limits {
    /** Size of the UTF-8 text in bytes (default 1 MiB). */
    readonly maxBytes?: number;
    /** Nesting depth of arrays and objects (default 64). */
    readonly maxDepth?: number;
}
export declare const DEFAULT_LIMITS: Readonly<Required<Limits>>;
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
export declare function readJson(id: string, data: string | Uint8Array, limits?: Limits): unknown;
