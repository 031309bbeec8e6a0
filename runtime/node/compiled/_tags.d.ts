/** A location with its chain of lone `$ref`s followed: [path, pointer, schema]. */
export type Resolved = (path: string, pointer: string) => [string, string, unknown];
export declare class Tags {
    private readonly resolved;
    private readonly tagsOf;
    private readonly carriesOf;
    /** carried()'s strings of the locations no loop is met below (resolved). */
    private readonly carriedAt;
    constructor(resolved: Resolved);
    /** A union's discriminator candidates: property -> each string it may hold -> the
     * branch it names, in branch order; remembered per union (the documents do not
     * change). */
    of(path: string, pointer: string, keyword: string, count: number): Map<string, Map<string, number>>;
    /** Whether the branch at `path#pointer` names the value by its own tags (carries):
     * the value holds a property the branch fixes, as one of the branch's strings, and
     * none otherwise. */
    named(value: unknown, path: string, pointer: string): boolean;
    /** The properties every branch fixes (carries) where no string is fixed by two
     * branches, each string with the branch it names, in branch order. */
    private fixed;
    /** The strings the schema at a location fixes properties to (carried), remembered
     * per location. */
    private carries;
    /** The strings a schema (its chain of lone `$ref`s followed) fixes properties to: a
     * string `const` (or one-string `enum`) of its `properties`; and for a property not
     * fixed so, where the schema is a `oneOf` (else `anyOf`) every member of which fixes
     * it, all their strings, in member order, recursively. `seen`: the locations met in
     * this search (a location met again, in a loop, fixes nothing).
     *
     * With whether the search met a loop (a location still being searched) below it:
     * where it did not, the strings are the location's whatever search meets it, and
     * are remembered for the next one (a union's members, asked again as the branches
     * of their own union); as runtime/_union_report.py's _carried. */
    private carried;
}
