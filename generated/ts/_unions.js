// Failing unions explain themselves: the steps of the Python runtime's
// runtime/_union_report.py, so both runtimes print the same report.
// For each oneOf/anyOf a value fails, one line names the branch the value was meant
// for (the one its discriminator names, found through nested unions too, otherwise
// the closest, among the branches whose own tags name the value if any: first those
// whose shape the value fits (_shapes.ts), then the fewest of the value's members in
// error, then the deepest error, then the fewest errors, then the fewest misfits, then
// the first) and the alternatives tried, followed by that branch's errors only.
//
// `raw(path, pointer, value)` gives the violations of `value` against the schema at
// `path#pointer`, with pointers relative to `value`, in any order, maybe repeated (they
// are read as a set). Only the failure path runs this.
//
// What makes it fast, without changing a word (tests/test_union_prune.py compares
// each shortcut with what it stands for, in both runtimes):
// - a branch's violations are asked of `raw` only when the report needs them, and a
//   branch its type, required properties or string tags rule out (`doomed`) needs
//   none to be known as failing: of the webhook union's 66 events, each a union of
//   its actions told apart by "action", most are ruled out without a validation;
// - the closest branch is found asking the named branches lowest floor first
//   (_bounds.ts: the members their errors surely touch, without a validation), none
//   whose floor is above the closest's count (a webhook "edited" message: 1 of 19);
// - a branch whose schema is a union alone (a webhook event, a oneOf of its actions)
//   is explained from its validator's own error for the union (`brief`), its other
//   branches' errors asked only where a union's noise needs them;
// - the walk skips values no violation is at or below, unless the whole walk would
//   reach its step limit (then it walks everything, as it always did);
// - schema look-ups, walk plans, branch names, tags and doomed tests are kept per
//   location (the documents do not change); step counts and renderings per message.
//
// The walk to the failing unions, the schema look-ups and the doomed tests are
// _union_walk.ts (UnionWalk, which UnionReport extends); the wording is here.
import { Bounds } from "./_bounds.js";
import { Shapes } from "./_shapes.js";
import { Tags } from "./_tags.js";
import { UnionWalk } from "./_union_walk.js";
import { compareCodePoints, show, violationKey } from "./_violations.js";
import { isObject, join, tokensOf } from "./_walk.js";
export { MAX_STEPS } from "./_walk.js";
const SHOWN = 8; // branch names listed before "and N more"
const under = (pointer, at) => pointer === at || pointer.startsWith(`${at}/`);
const keys = new WeakMap();
/** violationKey, found once per violation object (the same objects come back: the
 * contract's violations are its unions' branches' ones). */
const key = (v) => {
    let found = keys.get(v);
    if (found === undefined)
        keys.set(v, (found = violationKey(v)));
    return found;
};
const order = (a, b) => compareCodePoints(a.pointer, b.pointer) ||
    compareCodePoints(a.expected, b.expected) ||
    compareCodePoints(a.got, b.got);
const depth = (pointer) => {
    let count = 0;
    for (let i = pointer.indexOf("/"); i >= 0; i = pointer.indexOf("/", i + 1))
        count += 1;
    return count;
};
const basename = (path) => path.slice(path.lastIndexOf("/") + 1);
/** Explains the failing unions of one package's contracts. */
export class UnionReport extends UnionWalk {
    namesOf = new Map();
    tagging = new Tags((path, pointer) => this.resolved(path, pointer));
    shaping = new Shapes((path, pointer) => this.resolved(path, pointer));
    bounds = new Bounds({
        schema: (path, pointer) => this.schema(path, pointer),
        doomed: (path, pointer, value) => this.doomed(path, pointer, value),
        tags: (path, pointer, keyword, count) => this.tagging.of(path, pointer, keyword, count),
    }, this.ids);
    /** False: every branch a closest one is picked from is asked for its errors (tests
     * compare the two). */
    floors = true;
    /** For tests: when set, every branch a closest one is picked from is asked for its
     * errors all the same, and [its floor, its count of members in error] is added here. */
    audit = null;
    /** The keyword of the union the schema at a location is, alone (_bounds.ts), for an
     * object: null when it is not one. */
    alone(path, pointer) {
        return this.bounds.alone(path, pointer);
    }
    // -- the report -----------------------------------------------------------------------
    /** Each branch's name, remembered per union. */
    names(site) {
        const key = `${site.path}#${site.pointer}#${site.keyword}`;
        let found = this.namesOf.get(key);
        if (found === undefined) {
            found = [];
            for (let i = 0; i < site.count; i++)
                found.push(this.name(site, i));
            this.namesOf.set(key, found);
        }
        return found;
    }
    name(site, index) {
        const here = site.here(index);
        const branch = this.schema(site.path, here);
        if (isObject(branch)) {
            if (typeof branch["title"] === "string")
                return branch["title"];
            const found = this.resolved(site.path, here);
            const path = found[0];
            const pointer = found[1];
            const target = found[2];
            if (path !== site.path || pointer !== here) {
                if (isObject(target) && typeof target["title"] === "string")
                    return target["title"];
                const tokens = tokensOf(pointer);
                return tokens.length ? tokens[tokens.length - 1] : basename(path);
            }
            if (typeof branch["type"] === "string")
                return branch["type"];
        }
        return `${site.keyword}/${index}`;
    }
    /** Discriminator candidates: property -> each string it may hold -> the branch it
     * names (_tags.ts), remembered per union. */
    tags(site) {
        return this.tagging.of(site.path, site.pointer, site.keyword, site.count);
    }
    /** A branch's errors, its own failing unions explained in turn. */
    branch(site, index) {
        return this.explain(site.path, site.here(index), site.value, site.errors(index), site.at);
    }
    /** [the branch meant (-1: the discriminator value names none), the discriminator
     * that named it or null, the branch's errors]. */
    choose(site) {
        const value = site.value;
        if (isObject(value)) {
            const tags = this.tags(site);
            const names = [...tags.keys()].sort(compareCodePoints);
            for (const name of names) {
                const given = Object.hasOwn(value, name) ? value[name] : undefined;
                const index = typeof given === "string" ? tags.get(name).get(given) : undefined;
                if (index !== undefined)
                    return [index, name, this.branch(site, index)];
            }
            for (const name of names) {
                if (Object.hasOwn(value, name)) {
                    const named = [...tags.get(name).keys()].map(show).join(", ");
                    const wrong = { pointer: join(site.at, name), expected: `one of ${named}`, got: show(value[name]) };
                    return [-1, name, [wrong]];
                }
            }
        }
        // The closest: of the branches whose own tags name the value, if any (the others'
        // errors are then not worded), else of all, first those whose shape the value fits
        // (misfit 0), then the fewest members in error, the deepest error, the fewest errors
        // (closeness), then the fewest misfits (a branch with no shape after any count),
        // then the first. The properties the schema holding the union declares beside it
        // are no misfit.
        const named = [];
        for (let i = 0; i < site.count; i++) {
            if (this.tagging.named(site.value, site.path, site.here(i)))
                named.push(i);
        }
        if (!named.length)
            for (let i = 0; i < site.count; i++)
                named.push(i);
        const holder = this.schema(site.path, site.pointer);
        const props = isObject(holder) ? holder["properties"] : undefined;
        const beside = new Set(isObject(props) ? Object.keys(props) : []);
        // Asked fitting shapes first, then lowest floor first (_bounds.ts: members surely in
        // error, closeness's first number at least): once a branch fits worse than the
        // closest, or as well with its floor above the closest's count, none is closer.
        const floors = named.map((i) => {
            const fit = this.shaping.misfit(value, site.path, site.here(i), beside);
            const floor = this.floors && named.length > 1 ? this.bounds.sure(site.path, site.here(i), value).size : 0;
            return [fit !== 0 ? 1 : 0, floor, i, fit];
        });
        floors.sort((a, b) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2]);
        let best = -1;
        let bestErrors = [];
        let bestScore = [];
        for (const [unfit, floor, i, fit] of floors) {
            const worse = unfit > bestScore[0] || floor > bestScore[1];
            if (best >= 0 && worse && this.audit === null)
                break;
            const explained = this.branch(site, i);
            const [touched, deepest, count] = this.closeness(site, explained);
            const score = [unfit, touched, deepest, count, fit === null ? 1 : 0, fit ?? 0];
            this.audit?.push([floor, touched]);
            const k = score.findIndex((n, j) => n !== bestScore[j]); // compared in order
            if (best < 0 || (k >= 0 ? score[k] < bestScore[k] : i < best)) {
                [best, bestErrors, bestScore] = [i, explained, score];
            }
        }
        return [best, null, bestErrors];
    }
    /** How far a branch is from the value (less is closer): how many of the value's
     * members (properties or items, present or required) have an error at or below
     * them, an error about the value itself counting every member (one at least), a
     * union's own line not counted (its branch's errors are); then the deepest error,
     * negated (the branch matched furthest); then how many errors. The first number is
     * never below _bounds.ts's floor. */
    closeness(site, errors) {
        const lines = this.message?.lines;
        const members = new Set();
        let whole = false;
        let deepest = 0;
        const start = site.at.length + 1;
        for (const v of errors) {
            deepest = Math.max(deepest, depth(v.pointer));
            if (v.pointer === site.at) {
                whole ||= !lines?.has(key(v));
            }
            else {
                const slash = v.pointer.indexOf("/", start);
                members.add(slash < 0 ? v.pointer.slice(start) : v.pointer.slice(start, slash));
            }
        }
        let touched = members.size;
        if (whole) {
            const value = site.value;
            const size = Array.isArray(value) ? value.length : isObject(value) ? Object.keys(value).length : 0;
            touched = Math.max(touched, size, 1);
        }
        return [touched, -deepest, errors.length];
    }
    line(site, chosen, tag) {
        const names = this.names(site);
        let tried = names.slice(0, SHOWN).join(", ");
        if (names.length > SHOWN)
            tried += ` and ${names.length - SHOWN} more`;
        const passing = names.filter((_, i) => !site.fails(i));
        let expected;
        if (passing.length) {
            expected = `exactly one branch to match (${passing.join(", ")} match)`;
        }
        else if (chosen < 0) {
            expected = `a branch its "${tag}" names (tried ${tried})`;
        }
        else {
            const how = tag !== null ? `picked by its "${tag}"` : "the closest";
            expected = `the ${names[chosen]} branch (${how}; tried ${tried})`;
        }
        return { pointer: site.at, expected, got: this.show(site.value) };
    }
    /** show(), remembered by the value while a message is worded. */
    show(value) {
        const shown = this.message?.shown;
        if (shown === undefined || value === null || typeof value !== "object")
            return show(value);
        let found = shown.get(value);
        if (found === undefined) {
            found = show(value);
            shown.set(value, found);
        }
        return found;
    }
    /** A validator's own lines about the union: its oneOf/anyOf summary and Ajv's
     * discriminator errors (the bundle marks tagged unions). */
    summaries(site, found) {
        const schema = this.schema(site.path, site.pointer);
        const mark = isObject(schema) ? schema["discriminator"] : undefined;
        const tag = isObject(mark) ? mark["propertyName"] : undefined;
        const tagAt = typeof tag === "string" ? join(site.at, tag) : null;
        const tagLines = new Set([`a "${String(tag)}" tag of one of the branches`, "a string"]);
        tagLines.add("a required property");
        return found.filter((v) => (v.pointer === site.at && (v.expected.startsWith("oneOf:") || v.expected.startsWith("anyOf:"))) ||
            (v.pointer === tagAt && tagLines.has(v.expected)));
    }
    /** `found` (a validator's violations of `value` against the contract at
     * `path#pointer`) with each failing union explained; `found` itself when the value
     * fails no union. `whole`: raw(path, pointer, value), when the caller has it. */
    rewrite(path, pointer, value, found, whole) {
        const outer = this.message;
        this.message ??= { sizes: new Map(), shown: new Map(), lines: new Set() };
        try {
            const sites = this.sites(path, pointer, value, "", found.map((v) => v.pointer));
            if (!sites.length)
                return found;
            return this.apply(sites, whole ?? this.raw(path, pointer, value));
        }
        finally {
            this.message = outer;
        }
    }
    explain(path, pointer, value, raw, at) {
        const near = raw.map((v) => v.pointer);
        return this.apply(this.sites(path, pointer, value, at, near), raw);
    }
    apply(sites, raw) {
        let result = [...raw];
        const ordered = [...sites].sort((a, b) => compareCodePoints(a.at, b.at) || compareCodePoints(a.pointer, b.pointer));
        for (const site of ordered) {
            let all = true;
            for (let i = 0; i < site.count && all; i++)
                all = site.fails(i);
            // The branch meant first: its violations are then known, and often all the
            // noise there is (a tagged union's validator reports that branch's alone).
            const chosen = all ? this.choose(site) : null;
            // The noise: the summaries and every branch's violations. Only a violation at or
            // below the union can be one of a branch's: the branches' are asked of `raw`
            // only while one is left (those known already first).
            const noise = new Set(this.summaries(site, result).map(key));
            const left = new Set();
            for (const v of result) {
                const k = key(v);
                if (!noise.has(k) && under(v.pointer, site.at))
                    left.add(k);
            }
            const branches = [];
            for (let i = 0; i < site.count; i++)
                if (site.known(i))
                    branches.push(i);
            for (let i = 0; i < site.count; i++)
                if (!site.known(i))
                    branches.push(i);
            for (const i of branches) {
                if (!left.size)
                    break;
                if (!site.fails(i))
                    continue;
                for (const v of site.noise(i)) {
                    const k = key(v);
                    noise.add(k);
                    left.delete(k);
                }
            }
            result = result.filter((v) => !noise.has(key(v)));
            if (chosen !== null) {
                const line = this.line(site, chosen[0], chosen[1]);
                this.message?.lines.add(key(line)); // see closeness
                result.push(line);
                for (const v of chosen[2])
                    result.push(v);
            }
            else {
                result.push(this.line(site, 0, null));
            }
        }
        const unique = new Map(result.map((v) => [key(v), v]));
        return [...unique.values()].sort(order);
    }
}
