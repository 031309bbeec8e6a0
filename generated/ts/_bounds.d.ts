export declare const NOT_ASSERTING: ReadonlySet<string>;
/** The report's look-ups a floor needs. */
export interface Lookups {
    /** The schema at a location (undefined: none). */
    schema(path: string, pointer: string): unknown;
    /** Whether the value surely fails the schema at a location. */
    doomed(path: string, pointer: string, value: unknown): boolean;
    /** A union's tags: property -> string -> the branch it names. */
    tags(path: string, pointer: string, keyword: string, count: number): Map<string, Map<string, number>>;
}
export declare class Bounds {
    private readonly look;
    private readonly ids;
    private readonly shapes;
    /** ids: absolute URI of a bundled file -> its path. */
    constructor(look: Lookups, ids: ReadonlyMap<string, string>);
    /** The members of `value` the explained errors of the schema at `path#pointer`
     * surely touch (empty when unsure). */
    sure(path: string, pointer: string, value: unknown, depth?: number): Set<string>;
    /** The keyword of the union the schema at a location is, alone: its lone `$ref`s
     * followed, nothing else that asserts but a type an object passes and a
     * discriminator (null: another schema). */
    alone(path: string, pointer: string): string | null;
    /** Whether `value` (an object) surely fails the schema at a location: doomed, or a
     * union alone every branch of which surely fails. */
    private fails;
    /** The branch the value's tags name, as the report's choose() reads them (-1: none). */
    private named;
    /** The shape of the schema at a location, its lone `$ref`s followed (each an
     * absolute URI of a bundled file and a JSON pointer, nothing beside it that asserts),
     * remembered per location; null when neither shape or unsure. */
    private shape;
    private find;
}
