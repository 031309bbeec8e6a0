import type { Violation } from "./_violations.js";
export type Raw = (path: string, pointer: string, value: unknown) => Violation[];
/** Explains the failing unions of one package's contracts. */
export declare class UnionReport {
    private readonly documents;
    private readonly drafts;
    private readonly ids;
    private readonly raw;
    /** documents: path -> schema; drafts: path -> "7" | "2020-12"; ids: URI -> path. */
    constructor(documents: ReadonlyMap<string, unknown>, drafts: ReadonlyMap<string, string>, ids: ReadonlyMap<string, string>, raw: Raw);
    private readonly found;
    /** The schema at `path#pointer` (undefined: none), looked up once per location. */
    private schema;
    private walk;
    /** Where a `$ref` leads, for references by file and JSON pointer. */
    private target;
    /** A location with its chain of lone `$ref`s followed (20 at most). */
    private resolved;
    /** The unions the value fails, reached from a location through $ref, allOf,
     * properties, additionalProperties and items (not through other unions), where
     * a violation pointer in `near` is at or below the value. */
    private sites;
    private children;
    private name;
    /** Discriminator candidates: property -> each branch's fixed string. */
    private tags;
    /** A branch's errors, its own failing unions explained in turn. */
    private branch;
    /** [the branch meant (-1: the discriminator value names none), the discriminator
     * that named it or null, the branch's errors]. */
    private choose;
    private line;
    /** A validator's own lines about the union: its oneOf/anyOf summary and Ajv's
     * discriminator errors (the bundle marks tagged unions). */
    private summaries;
    /** `found` (a validator's violations of `value` against the contract at
     * `path#pointer`) with each failing union explained; `found` itself when the
     * value fails no union. */
    rewrite(path: string, pointer: string, value: unknown, found: Violation[]): Violation[];
    private explain;
    private apply;
}
