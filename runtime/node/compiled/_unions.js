// Failing unions explain themselves: the steps of the Python runtime's
// runtime/_union_report.py, so both runtimes print the same report.
// For each oneOf/anyOf a value fails, one line names the branch the value was meant
// for (the one its discriminator names, found through nested unions too, otherwise
// the closest, among the branches whose own tags name the value if any: the fewest of
// the value's members in error, then the deepest error, then the fewest errors, then
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
// - the walk skips values no violation is at or below, unless the whole walk would
//   reach its step limit (then it walks everything, as it always did);
// - schema look-ups, walk plans, branch names, tags and doomed tests are kept per
//   location (the documents do not change); step counts and renderings per message.
import { fails, testAt } from "./_doomed.js";
import { Tags } from "./_tags.js";
import { compareCodePoints, show, violationKey } from "./_violations.js";
import { MAX_STEPS, childrenOf, childrenWithin, countSteps, covering, isObject, join, planOf, tokensOf, } from "./_walk.js";
export { MAX_STEPS } from "./_walk.js";
const ROOT_URI = "file:///schemas/";
const SHOWN = 8; // branch names listed before "and N more"
/** The schema below `node` at one JSON Pointer token (undefined: none). */
function step(node, token) {
    if (Array.isArray(node) && /^[0-9]+$/.test(token)) {
        return Number(token) >= node.length ? undefined : node[Number(token)];
    }
    return isObject(node) && Object.hasOwn(node, token) ? node[token] : undefined;
}
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
const prefixed = (at, found) => at === "" ? found : found.map((v) => ({ pointer: at + v.pointer, expected: v.expected, got: v.got }));
const depth = (pointer) => {
    let count = 0;
    for (let i = pointer.indexOf("/"); i >= 0; i = pointer.indexOf("/", i + 1))
        count += 1;
    return count;
};
/** posixpath.normpath of a relative path. */
function normpath(path) {
    const out = [];
    for (const part of path.split("/")) {
        if (part === "" || part === ".")
            continue;
        if (part === ".." && out.length && out[out.length - 1] !== "..")
            out.pop();
        else
            out.push(part);
    }
    return out.join("/") || ".";
}
const dirname = (path) => path.slice(0, path.lastIndexOf("/") + 1);
const basename = (path) => path.slice(path.lastIndexOf("/") + 1);
/** A union and a value. Each branch's violations (pointers absolute) are asked of
 * `raw` when first needed; whether a branch fails, of `doomed` first. */
class Site {
    path;
    pointer;
    keyword;
    at;
    value;
    count;
    raw;
    doomed;
    found = new Map();
    failing = new Map();
    constructor(path, pointer, // of the schema holding the union
    keyword, // oneOf or anyOf
    at, // the value's pointer
    value, count, // branches
    raw, doomed) {
        this.path = path;
        this.pointer = pointer;
        this.keyword = keyword;
        this.at = at;
        this.value = value;
        this.count = count;
        this.raw = raw;
        this.doomed = doomed;
    }
    here(index) {
        return join(this.pointer, this.keyword, index);
    }
    /** Whether the branch's violations are known already. */
    known(index) {
        return this.found.has(index);
    }
    errors(index) {
        let found = this.found.get(index);
        if (found === undefined) {
            found = prefixed(this.at, this.raw(this.path, this.here(index), this.value));
            this.found.set(index, found);
        }
        return found;
    }
    /** Whether the value fails a branch (it then has violations). */
    fails(index) {
        let found = this.failing.get(index);
        if (found === undefined) {
            found =
                (!this.found.has(index) &&
                    this.doomed !== null &&
                    this.doomed(this.path, this.here(index), this.value)) ||
                    this.errors(index).length > 0;
            this.failing.set(index, found);
        }
        return found;
    }
    /** How many branches the value passes, counted up to `enough`. */
    passing(enough) {
        let count = 0;
        for (let i = 0; i < this.count; i++) {
            if (!this.fails(i) && ++count >= enough)
                break;
        }
        return count;
    }
}
/** Explains the failing unions of one package's contracts. */
export class UnionReport {
    documents;
    drafts;
    ids;
    raw;
    failsAt;
    /** documents: path -> schema; drafts: path -> "7" | "2020-12"; ids: URI -> path; failsAt: a verdict. */
    constructor(documents, drafts, ids, raw, failsAt = () => false) {
        this.documents = documents;
        this.drafts = drafts;
        this.ids = ids;
        this.raw = raw;
        this.failsAt = failsAt;
    }
    /** False: walk every value (tests compare the two). */
    skips = true;
    /** False: no branch is ruled out without its violations (tests compare the two). */
    rulesOut = true;
    found = new Map();
    plans = new Map();
    namesOf = new Map();
    tagging = new Tags((path, pointer) => this.resolved(path, pointer));
    tests = new Map();
    message = null;
    ruledOut = (p, q, v) => this.doomed(p, q, v) || this.failsAt(p, q, v);
    files = new Map();
    /** The schema document of a path (undefined: none), looked up once. */
    document(path) {
        if (this.files.has(path))
            return this.files.get(path);
        const found = this.documents(path);
        this.files.set(path, found);
        return found;
    }
    /** The schema at `path#pointer` (undefined: none), looked up once per location. */
    schema(path, pointer) {
        const key = `${path}#${pointer}`;
        if (this.found.has(key))
            return this.found.get(key);
        // One token down from the parent location's schema (itself looked up once).
        const slash = pointer.lastIndexOf("/");
        const node = pointer.startsWith("/")
            ? step(this.schema(path, pointer.slice(0, slash)), tokensOf(pointer.slice(slash))[0])
            : tokensOf(pointer).reduce(step, this.document(path));
        this.found.set(key, node);
        return node;
    }
    /** Where a `$ref` leads, for references by file and JSON pointer. */
    target(path, ref) {
        const hash = ref.indexOf("#");
        const base = hash < 0 ? ref : ref.slice(0, hash);
        const fragment = hash < 0 ? "" : ref.slice(hash + 1);
        if (fragment && !fragment.startsWith("/"))
            return null; // an anchor
        let where;
        if (base.includes(":")) {
            where = this.ids.get(base) ?? (base.startsWith(ROOT_URI) ? base.slice(ROOT_URI.length) : base);
        }
        else if (base) {
            where = normpath(dirname(path) + base);
        }
        else {
            where = path;
        }
        return this.document(where) !== undefined ? [where, fragment] : null;
    }
    /** A location with its chain of lone `$ref`s followed (20 at most). */
    resolved(path, pointer) {
        for (let i = 0; i < 20; i++) {
            const schema = this.schema(path, pointer);
            const ref = isObject(schema) ? schema["$ref"] : undefined;
            const goes = typeof ref === "string" ? this.target(path, ref) : null;
            if (goes === null)
                return [path, pointer, schema];
            path = goes[0];
            pointer = goes[1];
        }
        return [path, pointer, this.schema(path, pointer)];
    }
    // -- doomed ---------------------------------------------------------------------------
    /**
     * Whether `value` surely fails the schema at `path#pointer`, as every validator of
     * the runtime finds: the schema (its `$ref`s followed, each the way the validators
     * resolve it: an absolute URI of a bundled file and a JSON pointer) asserts a type
     * the value is not, a property the value lacks, or a string `const` or `enum` for a
     * property the value holds otherwise. False when unsure.
     */
    doomed(path, pointer, value) {
        const key = `${path}#${pointer}`;
        let test = this.tests.get(key);
        if (test === undefined) {
            test = testAt(path, pointer, (p, q) => this.schema(p, q), this.ids);
            this.tests.set(key, test);
        }
        return test !== null && fails(test, value);
    }
    // -- the walk -------------------------------------------------------------------------
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
    sites(path, pointer, value, at, near) {
        if (!near.length)
            return [];
        const covered = covering(near);
        if (!this.skips)
            return this.walkSites(path, pointer, value, at, covered, true);
        const found = this.walkSites(path, pointer, value, at, covered, false);
        if (!found.length || this.steps(path, pointer, value) < MAX_STEPS)
            return found;
        return this.walkSites(path, pointer, value, at, covered, true);
    }
    walkSites(path, pointer, value, at, covered, whole) {
        const doomed = this.rulesOut ? this.ruledOut : null;
        const found = [];
        const stack = [[path, pointer, value, at]];
        let steps = 0;
        while (stack.length && steps < MAX_STEPS) {
            steps += 1;
            const step = stack.pop();
            const p = step[0];
            const ptr = step[1];
            const v = step[2];
            const here = step[3];
            const schema = this.schema(p, ptr);
            if (!isObject(schema))
                continue;
            if (whole) {
                const children = this.children(p, ptr, schema, v);
                for (let k = children.length - 1; k >= 0; k--) {
                    const child = children[k];
                    const token = child[3];
                    const below = token === null ? here : join(here, token);
                    stack.push([child[0], child[1], child[2], below]);
                }
            }
            else {
                const plan = this.plan(p, ptr, schema);
                const kept = childrenWithin(plan, p, v, here, covered, this.conditional(p, plan, v, false));
                for (let k = kept.length - 1; k >= 0; k--)
                    stack.push(kept[k]);
            }
            if (!covered.has(here))
                continue;
            for (const keyword of ["anyOf", "oneOf"]) {
                const branches = schema[keyword];
                if (!Array.isArray(branches))
                    continue;
                const site = new Site(p, ptr, keyword, here, v, branches.length, this.raw, doomed);
                const passing = site.passing(keyword === "oneOf" ? 2 : 1);
                if (passing === 0 || (keyword === "oneOf" && passing > 1))
                    found.push(site);
            }
        }
        return found;
    }
    /** How many locations the whole walk from a location visits, MAX_STEPS at most,
     * remembered for the message being worded. Both the then and the else of an if
     * are counted: a bound, the same for every value, so no if is asked for it (above
     * the bound, the whole walk is taken, which finds what the skipping one finds when
     * both are below). */
    steps(path, pointer, value) {
        const sizes = this.message?.sizes ?? new Map();
        const children = (p, q, v) => {
            const schema = this.schema(p, q);
            return isObject(schema) ? this.children(p, q, schema, v, true) : [];
        };
        return countSteps(path, pointer, value, children, sizes);
    }
    /** The locations the walk goes on to from a schema location, with their values;
     * `both`: the then and the else of an if, whatever it says. */
    children(path, pointer, schema, value, both = false) {
        const plan = this.plan(path, pointer, schema);
        return childrenOf(plan, path, value, this.conditional(path, plan, value, both));
    }
    /** The then the value passing the location's if leads to, else its else (asked of
     * raw); with `both`, the two. */
    conditional(path, plan, value, both) {
        if (plan.cond === null)
            return [];
        const [test, then, other] = plan.cond;
        if (both)
            return [then, other].filter((x) => x !== null);
        const picked = this.raw(path, test, value).length ? other : then;
        return picked === null ? [] : [picked];
    }
    /** The walk's plan at a schema location, found once. */
    plan(path, pointer, schema) {
        const location = `${path}#${pointer}`;
        let plan = this.plans.get(location);
        if (plan === undefined) {
            const seven = this.drafts.get(path) === "7";
            plan = planOf(path, pointer, schema, seven, (p, ref) => this.target(p, ref));
            this.plans.set(location, plan);
        }
        return plan;
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
        // errors are then not worded), else of all, the fewest members in error, then the
        // deepest error, then the fewest errors (closeness), then the first.
        const named = [];
        for (let i = 0; i < site.count; i++) {
            if (this.tagging.named(site.value, site.path, site.here(i)))
                named.push(i);
        }
        if (!named.length)
            for (let i = 0; i < site.count; i++)
                named.push(i);
        let best = -1;
        let bestErrors = [];
        let bestScore = [];
        for (const i of named) {
            const explained = this.branch(site, i);
            const score = this.closeness(site, explained);
            const k = score.findIndex((n, j) => n !== bestScore[j]); // compared in order
            if (best < 0 || (k >= 0 && score[k] < bestScore[k])) {
                [best, bestErrors, bestScore] = [i, explained, score];
            }
        }
        return [best, null, bestErrors];
    }
    /** How far a branch is from the value (less is closer): how many of the value's
     * members (properties or items, present or required) have an error at or below
     * them, an error about the value itself counting every member (one at least), a
     * union's own line not counted (its branch's errors are); then the deepest error,
     * negated (the branch matched furthest); then how many errors. */
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
                for (const v of site.errors(i)) {
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
