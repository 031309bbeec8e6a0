// The discriminators of a union report (_unions.ts): the steps of the Python runtime's
// UnionReport.tags, carries, _carried and named (runtime/_union_report.py), so both
// runtimes pick the same branch.
//
// A property is a union's tag when every branch fixes it to strings and no string is
// fixed by two branches. A branch fixes a property to a string `const` (or one-string
// `enum`) of its `properties`; a branch that is itself a `oneOf` (else `anyOf`), every
// member of which fixes the property, fixes it to all their strings, recursively.
import { isObject, join } from "./_walk.js";
export class Tags {
    resolved;
    tagsOf = new Map();
    carriesOf = new Map();
    /** carried()'s strings of the locations no loop is met below (resolved). */
    carriedAt = new Map();
    constructor(resolved) {
        this.resolved = resolved;
    }
    /** A union's discriminator candidates: property -> each string it may hold -> the
     * branch it names, in branch order; remembered per union (the documents do not
     * change). */
    of(path, pointer, keyword, count) {
        const key = `${path}#${pointer}#${keyword}`;
        let found = this.tagsOf.get(key);
        if (found === undefined) {
            found = this.fixed(path, pointer, keyword, count);
            this.tagsOf.set(key, found);
        }
        return found;
    }
    /** Whether the branch at `path#pointer` names the value by its own tags (carries):
     * the value holds a property the branch fixes, as one of the branch's strings, and
     * none otherwise. */
    named(value, path, pointer) {
        if (!isObject(value))
            return false;
        let found = false;
        for (const [name, strings] of this.carries(path, pointer)) {
            if (!Object.hasOwn(value, name))
                continue;
            const given = value[name];
            if (typeof given !== "string" || !strings.includes(given))
                return false;
            found = true;
        }
        return found;
    }
    /** The properties every branch fixes (carries) where no string is fixed by two
     * branches, each string with the branch it names, in branch order. */
    fixed(path, pointer, keyword, count) {
        const carried = [];
        for (let i = 0; i < count; i++) {
            const found = this.carries(path, join(pointer, keyword, i));
            if (!found.size)
                return new Map();
            carried.push(found);
        }
        const fixed = new Map();
        for (const name of carried[0].keys()) {
            let owners = new Map();
            for (let i = 0; i < carried.length && owners !== null; i++) {
                const strings = carried[i].get(name);
                if (strings === undefined) {
                    owners = null;
                    break;
                }
                for (const string of strings) {
                    const owner = owners.get(string);
                    if (owner === undefined) {
                        owners.set(string, i);
                    }
                    else if (owner !== i) {
                        owners = null; // a string two branches hold names neither
                        break;
                    }
                }
            }
            if (owners !== null)
                fixed.set(name, owners);
        }
        return fixed;
    }
    /** The strings the schema at a location fixes properties to (carried), remembered
     * per location. */
    carries(path, pointer) {
        const key = `${path}#${pointer}`;
        let found = this.carriesOf.get(key);
        if (found === undefined) {
            found = this.carried(path, pointer, new Map())[0];
            this.carriesOf.set(key, found);
        }
        return found;
    }
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
    carried(path, pointer, seen) {
        const found = this.resolved(path, pointer);
        const where = `${found[0]}#${found[1]}`;
        const done = this.carriedAt.get(where);
        if (done !== undefined)
            return [done, false];
        const known = seen.get(where);
        if (known !== undefined)
            return known;
        seen.set(where, [new Map(), true]); // a loop back here: nothing, and not remembered
        const schema = found[2];
        const fixed = new Map();
        let looped = false;
        const props = isObject(schema) ? schema["properties"] : undefined;
        if (isObject(props)) {
            for (const name of Object.keys(props)) {
                const prop = props[name];
                let fix = isObject(prop) ? prop["const"] : undefined;
                const one = isObject(prop) ? prop["enum"] : undefined;
                if (Array.isArray(one) && one.length === 1)
                    fix = one[0];
                if (typeof fix === "string")
                    fixed.set(name, [fix]);
            }
        }
        for (const keyword of ["oneOf", "anyOf"]) {
            const branches = isObject(schema) ? schema[keyword] : undefined;
            if (!Array.isArray(branches) || !branches.length)
                continue;
            const members = [];
            for (let j = 0; j < branches.length; j++) {
                const member = this.carried(found[0], join(found[1], keyword, j), seen);
                members.push(member[0]);
                looped ||= member[1];
            }
            for (const name of members[0].keys()) {
                if (fixed.has(name) || !members.every((m) => m.has(name)))
                    continue;
                fixed.set(name, [...new Set(members.flatMap((m) => m.get(name)))]);
            }
        }
        seen.set(where, [fixed, looped]);
        if (!looped)
            this.carriedAt.set(where, fixed);
        return [fixed, looped];
    }
}
