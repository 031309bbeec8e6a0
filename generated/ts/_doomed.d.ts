/** What a schema asserts that a test reads: its types, its required properties and
 * the strings allowed per property; or, for a union alone, its types and its branches'
 * tests (`all`: the value surely fails it when it surely fails every one; `required`
 * and `tags` are empty then). */
export interface Test {
    readonly kinds: readonly ((v: unknown) => boolean)[];
    readonly required: readonly string[];
    readonly tags: readonly [string, ReadonlySet<string>][];
    readonly all: readonly Test[] | null;
}
/** Whether `value` surely fails a schema with test `test`. */
export declare function fails(test: Test, value: unknown): boolean;
/**
 * The test of the schema at `path#pointer` (`schema` looks locations up), its `$ref`s
 * followed each the way the validators resolve it: an absolute URI of a bundled file
 * (`ids`: URI -> path; the bundle makes every $ref absolute) and a JSON pointer. Null
 * when unsure (an `$id` beside a `$ref` could move its base; a reference of another
 * kind; a union alone with a branch that is `true`, or has no test, or leads back to
 * the union through its `$ref`s) or when the schema asserts none of what a test reads.
 * `unions` false: a union alone's branches are not tested (where a cheaper verdict
 * is at hand; a test found already is given all the same).
 */
export declare function testAt(path: string, pointer: string, schema: (path: string, pointer: string) => unknown, ids: ReadonlyMap<string, string>, unions?: boolean): Test | null;
