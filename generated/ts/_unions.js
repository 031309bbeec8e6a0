// Failing unions explain themselves: the steps of the Python runtime's
// runtime/_union_report.py, line for line, so both runtimes print the same report.
// For each oneOf/anyOf a value fails, one line names the branch the value was meant
// for (the one its discriminator names, otherwise the closest: the deepest error,
// then the fewest errors, then the first) and the alternatives tried, followed by
// that branch's errors only.
//
// `raw(path, pointer, value)` gives the violations of `value` against the schema at
// `path#pointer`, with pointers relative to `value`. Only the failure path runs this.
import { compareCodePoints, show } from "./_violations.js";
const ROOT_URI = "file:///schemas/";
const SHOWN = 8; // branch names listed before "and N more"
const MAX_STEPS = 10000; // schema locations visited per value, at most ($ref loops)
const escapeToken = (key) => String(key).replace(/~/g, "~0").replace(/\//g, "~1");
const join = (pointer, ...tokens) => pointer + tokens.map((t) => `/${escapeToken(t)}`).join("");
const tokensOf = (pointer) => pointer === ""
    ? []
    : pointer.split("/").slice(1).map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const under = (pointer, at) => pointer === at || pointer.startsWith(`${at}/`);
const key = (v) => JSON.stringify([v.pointer, v.expected, v.got]);
const sortedKeys = (object) => Object.keys(object).sort(compareCodePoints);
const order = (a, b) => compareCodePoints(a.pointer, b.pointer) ||
    compareCodePoints(a.expected, b.expected) ||
    compareCodePoints(a.got, b.got);
const prefixed = (at, found) => found.map((v) => ({ pointer: at + v.pointer, expected: v.expected, got: v.got }));
const depth = (pointer) => pointer.split("/").length - 1;
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
/** Explains the failing unions of one package's contracts. */
export class UnionReport {
    documents;
    drafts;
    ids;
    raw;
    /** documents: path -> schema; drafts: path -> "7" | "2020-12"; ids: URI -> path. */
    constructor(documents, drafts, ids, raw) {
        this.documents = documents;
        this.drafts = drafts;
        this.ids = ids;
        this.raw = raw;
    }
    found = new Map();
    /** The schema at `path#pointer` (undefined: none), looked up once per location. */
    schema(path, pointer) {
        const key = `${path}#${pointer}`;
        if (this.found.has(key))
            return this.found.get(key);
        const node = this.walk(path, pointer);
        this.found.set(key, node);
        return node;
    }
    walk(path, pointer) {
        let node = this.documents.get(path);
        for (const token of tokensOf(pointer)) {
            if (Array.isArray(node) && /^[0-9]+$/.test(token)) {
                if (Number(token) >= node.length)
                    return undefined;
                node = node[Number(token)];
            }
            else if (isObject(node) && Object.hasOwn(node, token)) {
                node = node[token];
            }
            else {
                return undefined;
            }
        }
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
        return this.documents.has(where) ? [where, fragment] : null;
    }
    /** A location with its chain of lone `$ref`s followed (20 at most). */
    resolved(path, pointer) {
        for (let i = 0; i < 20; i++) {
            const schema = this.schema(path, pointer);
            const ref = isObject(schema) ? schema["$ref"] : undefined;
            const goes = typeof ref === "string" ? this.target(path, ref) : null;
            if (goes === null)
                return [path, pointer, schema];
            [path, pointer] = goes;
        }
        return [path, pointer, this.schema(path, pointer)];
    }
    /** The unions the value fails, reached from a location through $ref, allOf,
     * properties, additionalProperties and items (not through other unions), where
     * a violation pointer in `near` is at or below the value. */
    sites(path, pointer, value, at, near) {
        const found = [];
        const stack = [[path, pointer, value, at]];
        let steps = 0;
        while (stack.length && steps < MAX_STEPS) {
            steps += 1;
            const [p, ptr, v, here] = stack.pop();
            const schema = this.schema(p, ptr);
            if (!isObject(schema))
                continue;
            stack.push(...this.children(p, ptr, schema, v, here).reverse());
            for (const keyword of ["anyOf", "oneOf"]) {
                const branches = schema[keyword];
                if (!Array.isArray(branches) || !near.some((n) => under(n, here)))
                    continue;
                const union = join(ptr, keyword);
                const errors = branches.map((_, i) => prefixed(here, this.raw(p, join(union, i), v)));
                const passing = errors.filter((e) => e.length === 0).length;
                if (passing === 0 || (keyword === "oneOf" && passing > 1)) {
                    found.push({ path: p, pointer: ptr, keyword, at: here, value: v, errors });
                }
            }
        }
        return found;
    }
    children(path, pointer, schema, value, at) {
        const out = [];
        const ref = schema["$ref"];
        if (typeof ref === "string") {
            const goes = this.target(path, ref);
            if (goes !== null)
                out.push([goes[0], goes[1], value, at]);
            if (this.drafts.get(path) === "7")
                return out; // draft-07 ignores what is beside $ref
        }
        const allOf = schema["allOf"];
        if (Array.isArray(allOf)) {
            allOf.forEach((_, i) => out.push([path, join(pointer, "allOf", i), value, at]));
        }
        if (isObject(value)) {
            const props = isObject(schema["properties"]) ? schema["properties"] : {};
            for (const name of sortedKeys(props)) {
                if (Object.hasOwn(value, name)) {
                    out.push([path, join(pointer, "properties", name), value[name], join(at, name)]);
                }
            }
            if (isObject(schema["additionalProperties"]) && !Object.hasOwn(schema, "patternProperties")) {
                const where = join(pointer, "additionalProperties");
                for (const name of sortedKeys(value)) {
                    if (!Object.hasOwn(props, name))
                        out.push([path, where, value[name], join(at, name)]);
                }
            }
        }
        if (Array.isArray(value)) {
            const seven = this.drafts.get(path) === "7";
            const prefix = seven ? schema["items"] : schema["prefixItems"];
            const word = seven ? "items" : "prefixItems";
            let rest = seven ? "additionalItems" : "items";
            let count = 0;
            if (Array.isArray(prefix)) {
                count = Math.min(prefix.length, value.length);
                for (let i = 0; i < count; i++)
                    out.push([path, join(pointer, word, i), value[i], join(at, i)]);
            }
            else if (isObject(prefix)) {
                rest = word; // draft-07 items: one schema for every item
            }
            if (isObject(schema[rest])) {
                const where = join(pointer, rest);
                for (let i = count; i < value.length; i++)
                    out.push([path, where, value[i], join(at, i)]);
            }
        }
        return out;
    }
    name(site, index) {
        const here = join(site.pointer, site.keyword, index);
        const branch = this.schema(site.path, here);
        if (isObject(branch)) {
            if (typeof branch["title"] === "string")
                return branch["title"];
            const [path, pointer, target] = this.resolved(site.path, here);
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
    /** Discriminator candidates: property -> each branch's fixed string. */
    tags(site) {
        const count = site.errors.length;
        const fixed = new Map();
        for (let i = 0; i < count; i++) {
            const [, , branch] = this.resolved(site.path, join(site.pointer, site.keyword, i));
            const props = isObject(branch) ? branch["properties"] : undefined;
            if (!isObject(props))
                return new Map();
            for (const [name, prop] of Object.entries(props)) {
                let fix = isObject(prop) ? prop["const"] : undefined;
                const one = isObject(prop) ? prop["enum"] : undefined;
                if (Array.isArray(one) && one.length === 1)
                    fix = one[0];
                if (typeof fix === "string") {
                    const consts = fixed.get(name) ?? new Array(count).fill(null);
                    consts[i] = fix;
                    fixed.set(name, consts);
                }
            }
        }
        const out = new Map();
        for (const [name, consts] of fixed) {
            if (!consts.includes(null))
                out.set(name, consts);
        }
        return out;
    }
    /** A branch's errors, its own failing unions explained in turn. */
    branch(site, index) {
        const here = join(site.pointer, site.keyword, index);
        return this.explain(site.path, here, site.value, site.errors[index] ?? [], site.at);
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
                const consts = tags.get(name);
                if (typeof given === "string" && consts.includes(given)) {
                    const index = consts.indexOf(given);
                    return [index, name, this.branch(site, index)];
                }
            }
            for (const name of names) {
                if (Object.hasOwn(value, name)) {
                    const named = [...new Set(tags.get(name))].map(show).join(", ");
                    const wrong = { pointer: join(site.at, name), expected: `one of ${named}`, got: show(value[name]) };
                    return [-1, name, [wrong]];
                }
            }
        }
        // The closest: the deepest error, then the fewest errors, then the first.
        const explained = site.errors.map((_, i) => this.branch(site, i));
        const score = (errors) => [
            -Math.max(0, ...errors.map((v) => depth(v.pointer))),
            errors.length,
        ];
        let best = 0;
        for (let i = 1; i < explained.length; i++) {
            const [a, b] = [score(explained[i] ?? []), score(explained[best] ?? [])];
            if (a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]))
                best = i;
        }
        return [best, null, explained[best] ?? []];
    }
    line(site, chosen, tag) {
        const names = site.errors.map((_, i) => this.name(site, i));
        let tried = names.slice(0, SHOWN).join(", ");
        if (names.length > SHOWN)
            tried += ` and ${names.length - SHOWN} more`;
        const passing = names.filter((_, i) => site.errors[i]?.length === 0);
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
        return { pointer: site.at, expected, got: show(site.value) };
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
     * `path#pointer`) with each failing union explained; `found` itself when the
     * value fails no union. */
    rewrite(path, pointer, value, found) {
        const sites = this.sites(path, pointer, value, "", found.map((v) => v.pointer));
        if (!sites.length)
            return found;
        return this.apply(sites, prefixed("", this.raw(path, pointer, value)));
    }
    explain(path, pointer, value, raw, at) {
        const near = raw.map((v) => v.pointer);
        return this.apply(this.sites(path, pointer, value, at, near), raw);
    }
    apply(sites, raw) {
        let result = [...raw];
        const ordered = [...sites].sort((a, b) => compareCodePoints(a.at, b.at) || compareCodePoints(a.pointer, b.pointer));
        for (const site of ordered) {
            const noise = new Set(site.errors.flat().map(key));
            for (const v of this.summaries(site, result))
                noise.add(key(v));
            result = result.filter((v) => !noise.has(key(v)));
            if (site.errors.every((e) => e.length > 0)) {
                const [chosen, tag, errors] = this.choose(site);
                result.push(this.line(site, chosen, tag), ...errors);
            }
            else {
                result.push(this.line(site, 0, null));
            }
        }
        const unique = new Map(result.map((v) => [key(v), v]));
        return [...unique.values()].sort(order);
    }
}
