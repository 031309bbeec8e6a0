import type { Violation } from "./_violations.js";
import type { Sizes } from "./_walk.js";
export declare const ROOT_URI = "file:///schemas/";
export type Raw = (path: string, pointer: string, value: unknown) => Violation[];
/** For a location whose schema is a union alone: its validator's own error for the
 * union (none when the value passes), without its branches'; null elsewhere. */
export type Brief = (path: string, pointer: string, value: unknown) => Violation[] | null;
/** Whether the value surely fails the schema at `path#pointer`. */
export type Doomed = (path: string, pointer: string, value: unknown) => boolean;
/** Whether the value fails the schema at `path#pointer` by a precompiled function
 * (null: none there). */
export type Verdict = (path: string, pointer: string, value: unknown) => boolean | null;
/** The schema documents: the schema of a path, or undefined. */
export type Documents = (path: string) => unknown;
/** A union and a value. Each branch's violations (pointers absolute) are asked of
 * `raw` when first needed (of `brief` first, for the branch's explanation); whether a
 * branch fails, of `doomed` first. */
export declare class Site {
    readonly path: string;
    readonly pointer: string;
    readonly keyword: string;
    readonly at: string;
    readonly value: unknown;
    readonly count: number;
    private readonly raw;
    private readonly doomed;
    private readonly brief;
    private readonly found;
    private readonly whole;
    private readonly failing;
    constructor(path: string, pointer: string, // of the schema holding the union
    keyword: string, // oneOf or anyOf
    at: string, // the value's pointer
    value: unknown, count: number, // branches
    raw: Raw, doomed: Doomed | null, brief?: Brief | null);
    here(index: number): string;
    /** Whether the branch's violations (all of them, `noise`) are known already. */
    known(index: number): boolean;
    /** The branch's violations, or where the branch is a union alone, its own error
     * (`brief`): the same explained (_unions.ts). */
    errors(index: number): Violation[];
    /** All the branch's violations: what a validation of the union reports of it. */
    noise(index: number): Violation[];
    /** Whether the value fails a branch (it then has violations). */
    fails(index: number): boolean;
    /** How many branches the value passes, counted up to `enough`. */
    passing(enough: number): number;
}
/** One value's walk counts and renderings, while its violations are worded. */
export interface Message {
    /** Steps of the whole walk per location, by value (objects) or for any other value. */
    readonly sizes: Sizes;
    readonly shown: Map<object, string>;
    /** The union lines worded (their violationKey): closeness() does not count them. */
    readonly lines: Set<string>;
}
/** The unions a value fails, and the schema look-ups they need, for one package's contracts. */
export declare class UnionWalk {
    private readonly documents;
    private readonly drafts;
    protected readonly ids: ReadonlyMap<string, string>;
    protected readonly raw: Raw;
    private readonly failsAt;
    private readonly brief;
    /** documents: path -> schema; drafts: path -> "7" | "2020-12"; ids: URI -> path; failsAt: a verdict. */
    constructor(documents: Documents, drafts: ReadonlyMap<string, string>, ids: ReadonlyMap<string, string>, raw: Raw, failsAt?: Verdict, brief?: Brief | null);
    /** False: walk every value (tests compare the two). */
    skips: boolean;
    /** False: no branch is ruled out without its violations (tests compare the two). */
    rulesOut: boolean;
    private readonly found;
    private readonly plans;
    private readonly tests;
    private readonly owns;
    protected message: Message | null;
    /** A branch ruled out: by its own test, else by its precompiled function (it answers
     * sooner than a union alone's branches' tests are found, on a first refusal: the
     * webhook root's 65 events), else where there is none, by its union's test. */
    private readonly ruledOut;
    private readonly files;
    /** The schema document of a path (undefined: none), looked up once. */
    private document;
    /** The schema at `path#pointer` (undefined: none), looked up once per location. */
    schema(path: string, pointer: string): unknown;
    /** Where a `$ref` leads, for references by file and JSON pointer. */
    protected target(path: string, ref: string): [string, string] | null;
    /** A location with its chain of lone `$ref`s followed (20 at most). */
    protected resolved(path: string, pointer: string): [string, string, unknown];
    /**
     * Whether `value` surely fails the schema at `path#pointer`, as every validator of
     * the runtime finds: the schema (its `$ref`s followed, each the way the validators
     * resolve it: an absolute URI of a bundled file and a JSON pointer) asserts a type
     * the value is not, a property the value lacks, or a string `const` or `enum` for a
     * property the value holds otherwise; or it is a union alone each branch of which
     * surely fails (`unions` false: not asked, _doomed.ts). False when unsure.
     */
    doomed(path: string, pointer: string, value: unknown, unions?: boolean): boolean;
    /** The unions the value fails, reached from a location through $ref, allOf,
     * properties, additionalProperties and items (not through other unions), where
     * a violation pointer in `near` is at or below the value.
     *
     * The walk stops after MAX_STEPS locations (a $ref loop). It skips each value no
     * pointer in `near` is at or below: no union there or deeper can be reported. The
     * walk that skips visits a part of the whole walk's locations, in the same order, so
     * it finds the unions the whole walk finds, and more only if the whole walk stops
     * before them: when it finds any, and the whole walk would take MAX_STEPS
     * locations or more, the whole walk is taken instead. */
    sites(path: string, pointer: string, value: unknown, at: string, near: readonly string[]): Site[];
    private walkSites;
    /** How many locations the whole walk from a location visits, MAX_STEPS at most,
     * remembered for the message being worded. Both the then and the else of an if
     * are counted: a bound, the same for every value, so no if is asked for it (above
     * the bound, the whole walk is taken, which finds what the skipping one finds when
     * both are below). */
    private steps;
    /** The locations the walk goes on to from a schema location, with their values;
     * `both`: the then and the else of an if, whatever it says. */
    private children;
    /** The then the value passing the location's if leads to, else its else (asked of
     * raw); with `both`, the two. */
    private conditional;
    /** The walk's plan at a schema location, found once. */
    private plan;
}
