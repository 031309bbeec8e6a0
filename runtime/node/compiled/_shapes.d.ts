import type { Resolved } from "./_tags.js";
export declare class Shapes {
    private readonly resolved;
    private readonly shapesOf;
    constructor(resolved: Resolved);
    /** How far the value's shape is from the branch at `path#pointer` (less is closer;
     * 0: the value fits a shape of the branch); null for a value that is not an object
     * or a branch with no shape. The value's properties in `beside` are not counted. */
    misfit(value: unknown, path: string, pointer: string, beside?: ReadonlySet<string>): number | null;
    /** The shapes of the schema at a location (shaped), remembered per location. */
    private shapes;
    /** The object shapes a schema (its chain of lone `$ref`s followed) allows, each the
     * names its `properties` declare (null: it has no `properties`) and its `required`
     * names: its own, or where it is a `oneOf` (else `anyOf`), one per shape of each
     * member, its own names added (each shape once, in member order). No shape for a
     * schema that names no property; a location met again (a loop) has none. */
    private shaped;
}
