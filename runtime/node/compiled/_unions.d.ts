import { UnionWalk } from "./_union_walk.js";
import type { Violation } from "./_violations.js";
export { MAX_STEPS } from "./_walk.js";
export type { Brief, Documents, Doomed, Raw } from "./_union_walk.js";
/** Explains the failing unions of one package's contracts. */
export declare class UnionReport extends UnionWalk {
    private readonly namesOf;
    private readonly tagging;
    private readonly shaping;
    private readonly bounds;
    /** False: every branch a closest one is picked from is asked for its errors (tests
     * compare the two). */
    floors: boolean;
    /** For tests: when set, every branch a closest one is picked from is asked for its
     * errors all the same, and [its floor, its count of members in error] is added here. */
    audit: [number, number][] | null;
    /** The keyword of the union the schema at a location is, alone (_bounds.ts), for an
     * object: null when it is not one. */
    alone(path: string, pointer: string): string | null;
    /** Each branch's name, remembered per union. */
    private names;
    private name;
    /** Discriminator candidates: property -> each string it may hold -> the branch it
     * names (_tags.ts), remembered per union. */
    private tags;
    /** A branch's errors, its own failing unions explained in turn. */
    private branch;
    /** [the branch meant (-1: the discriminator value names none), the discriminator
     * that named it or null, the branch's errors]. */
    private choose;
    /** How far a branch is from the value (less is closer): how many of the value's
     * members (properties or items, present or required) have an error at or below
     * them, an error about the value itself counting every member (one at least), a
     * union's own line not counted (its branch's errors are); then the deepest error,
     * negated (the branch matched furthest); then how many errors. The first number is
     * never below _bounds.ts's floor. */
    private closeness;
    private line;
    /** show(), remembered by the value while a message is worded. */
    private show;
    /** A validator's own lines about the union: its oneOf/anyOf summary and Ajv's
     * discriminator errors (the bundle marks tagged unions). */
    private summaries;
    /** `found` (a validator's violations of `value` against the contract at
     * `path#pointer`) with each failing union explained; `found` itself when the value
     * fails no union. `whole`: raw(path, pointer, value), when the caller has it. */
    rewrite(path: string, pointer: string, value: unknown, found: Violation[], whole?: Violation[]): Violation[];
    private explain;
    private apply;
}
