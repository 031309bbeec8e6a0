export declare const MAX_STEPS = 10000;
export type Json = Record<string, unknown>;
/** A location the walk goes on to, its value, and the token that leads to the value
 * (null: the same value). */
export type Child = [path: string, pointer: string, value: unknown, token: string | number | null];
export declare const isObject: (v: unknown) => v is Json;
/** `pointer` with reference tokens appended (escaped). */
export declare const join: (pointer: string, ...tokens: (string | number)[]) => string;
export declare const tokensOf: (pointer: string) => string[];
export declare const sortedKeys: (object: Json) => string[];
/** The pointers at or above any of `pointers`: `at` is one of them exactly when some
 * pointer is at or below `at`. */
export declare function covering(pointers: readonly string[]): Set<string>;
/** Where the walk goes from a schema location: the locations of the same value
 * ($ref, allOf, then the then or else its if picks), then, for an object, each
 * property's (in name order) and the other properties'; for an array, each prefix
 * item's and the rest's. `props` and `prefix` are null after a draft-07 $ref (nothing
 * beside it is read). */
export interface Plan {
    readonly same: readonly [string, string][];
    readonly props: readonly [string, string][] | null;
    readonly names: ReadonlySet<string>;
    readonly extra: string | null;
    readonly prefix: readonly string[] | null;
    readonly rest: string | null;
    readonly cond: readonly [test: string, then: string | null, other: string | null] | null;
}
/** Where the walk goes from the location `path#pointer` holding `schema` (the same
 * for every value); `target` resolves a $ref (null: not followed). */
export declare function planOf(path: string, pointer: string, schema: Json, seven: boolean, target: (path: string, ref: string) => [string, string] | null): Plan;
/** The locations the walk goes on to from a location of `path` with plan `plan`, over
 * `value`; `picked`: the then or else of the plan's if the walk goes to (the caller
 * asks the if). */
export declare function childrenOf(plan: Plan, path: string, value: unknown, picked: readonly string[]): Child[];
/** A location of the walk, its value and the value's pointer. */
export type Step = [path: string, pointer: string, value: unknown, at: string];
/** childrenOf's locations whose value's pointer is in `covered` (`here`: the value's
 * pointer), in the same order, as steps of the walk. */
export declare function childrenWithin(plan: Plan, path: string, value: unknown, here: string, covered: ReadonlySet<string>, picked: readonly string[]): Step[];
/** Step counts of whole walks, by location ("path#pointer"), by value (objects and
 * arrays; SCALAR for any other value: its walk depends on the location alone). */
export type Sizes = Map<string, Map<unknown, number>>;
/** How many locations the whole walk from `path#pointer` over `value` visits,
 * MAX_STEPS at most (also for a $ref loop); `children` gives the locations it goes
 * on to. Each count found is kept in `sizes` and read from there. */
export declare function countSteps(path: string, pointer: string, value: unknown, children: (path: string, pointer: string, value: unknown) => Child[], sizes: Sizes): number;
