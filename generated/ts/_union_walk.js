// The union report's sites (_unions.ts): the steps of the Python runtime's
// runtime/_union_walk.py. From a schema location and a value, the unions the value
// fails, through $ref, allOf, the then or else an if picks, properties,
// additionalProperties and items (the plan of each location: _walk.ts), each a Site
// whose branches' violations are asked of `raw` when first needed; and the schema
// look-ups, $ref targets and doomed tests (_doomed.ts) the walk and the report share,
// kept per location (the documents do not change).
import { fails, testAt } from "./_doomed.js";
import { MAX_STEPS, childrenOf, childrenWithin, countSteps, covering, isObject, join, planOf, tokensOf, } from "./_walk.js";
export const ROOT_URI = "file:///schemas/";
/** The schema below `node` at one JSON Pointer token (undefined: none). */
function step(node, token) {
    if (Array.isArray(node) && /^[0-9]+$/.test(token)) {
        return Number(token) >= node.length ? undefined : node[Number(token)];
    }
    return isObject(node) && Object.hasOwn(node, token) ? node[token] : undefined;
}
const prefixed = (at, found) => at === "" ? found : found.map((v) => ({ pointer: at + v.pointer, expected: v.expected, got: v.got }));
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
/** A union and a value. Each branch's violations (pointers absolute) are asked of
 * `raw` when first needed (of `brief` first, for the branch's explanation); whether a
 * branch fails, of `doomed` first. */
export class Site {
    path;
    pointer;
    keyword;
    at;
    value;
    count;
    raw;
    doomed;
    brief;
    found = new Map();
    whole = new Map();
    failing = new Map();
    constructor(path, pointer, // of the schema holding the union
    keyword, // oneOf or anyOf
    at, // the value's pointer
    value, count, // branches
    raw, doomed, brief = null) {
        this.path = path;
        this.pointer = pointer;
        this.keyword = keyword;
        this.at = at;
        this.value = value;
        this.count = count;
        this.raw = raw;
        this.doomed = doomed;
        this.brief = brief;
    }
    here(index) {
        return join(this.pointer, this.keyword, index);
    }
    /** Whether the branch's violations (all of them, `noise`) are known already. */
    known(index) {
        return this.whole.has(index);
    }
    /** The branch's violations, or where the branch is a union alone, its own error
     * (`brief`): the same explained (_unions.ts). */
    errors(index) {
        let found = this.found.get(index);
        if (found === undefined) {
            const short = this.brief?.(this.path, this.here(index), this.value) ?? null;
            found = short === null ? this.noise(index) : prefixed(this.at, short);
            this.found.set(index, found);
        }
        return found;
    }
    /** All the branch's violations: what a validation of the union reports of it. */
    noise(index) {
        let found = this.whole.get(index);
        if (found === undefined) {
            found = prefixed(this.at, this.raw(this.path, this.here(index), this.value));
            this.whole.set(index, found);
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
/** The unions a value fails, and the schema look-ups they need, for one package's contracts. */
export class UnionWalk {
    documents;
    drafts;
    ids;
    raw;
    failsAt;
    brief;
    /** documents: path -> schema; drafts: path -> "7" | "2020-12"; ids: URI -> path; failsAt: a verdict. */
    constructor(documents, drafts, ids, raw, failsAt = () => null, brief = null) {
        this.documents = documents;
        this.drafts = drafts;
        this.ids = ids;
        this.raw = raw;
        this.failsAt = failsAt;
        this.brief = brief;
    }
    /** False: walk every value (tests compare the two). */
    skips = true;
    /** False: no branch is ruled out without its violations (tests compare the two). */
    rulesOut = true;
    found = new Map();
    plans = new Map();
    tests = new Map();
    owns = new Map();
    message = null;
    /** A branch ruled out: by its own test, else by its precompiled function (it answers
     * sooner than a union alone's branches' tests are found, on a first refusal: the
     * webhook root's 65 events), else where there is none, by its union's test. */
    ruledOut = (p, q, v) => this.doomed(p, q, v, false) || (this.failsAt(p, q, v) ?? this.doomed(p, q, v));
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
     * property the value holds otherwise; or it is a union alone each branch of which
     * surely fails (`unions` false: not asked, _doomed.ts). False when unsure.
     */
    doomed(path, pointer, value, unions = true) {
        const key = `${path}#${pointer}`;
        const kept = unions ? this.tests : this.owns;
        let test = kept.get(key);
        if (test === undefined) {
            test = testAt(path, pointer, (p, q) => this.schema(p, q), this.ids, unions);
            kept.set(key, test);
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
                const site = new Site(p, ptr, keyword, here, v, branches.length, this.raw, doomed, this.brief);
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
}
