// The engine of the contracts Ajv 8 gets wrong: `@cfworker/json-schema`.
//
// `unevaluatedProperties` and `unevaluatedItems` depend on what the rest of their
// schema evaluated; Ajv tracks that only where it is simple
// (codegen/compiler/nodelimits.py lists the shapes). The compiler marks the files
// whose contracts reach such a shape `engine: "cfworker"` (_schemas.js), and their
// contracts are validated here, by a validator that follows the specification's
// annotation rules. The Python side is unchanged: it gets these shapes right.
//
// What must stay as on the Ajv path, and how:
// - formats are the runtime's (_formats.ts), an unknown format is an annotation:
//   each `format` of the copy cfworker is given is renamed to one of ours;
// - `pattern` runs in the linear-time engine (_regex.ts), never in V8's backtracking
//   RegExp: cfworker sees it as a format of ours; `patternProperties`, which it runs
//   with `new RegExp`, the compiler allows only for patterns proven linear there
//   (`exact-pattern-properties`, codegen/typescript/native_patterns.py);
// - `multipleOf` is decimal: cfworker's divides the shortest decimal forms exactly,
//   as isMultiple does;
// - NaN and Infinity are no JSON numbers: refused wherever they are, as Ajv's
//   strictNumbers refuses them for a number;
// - errors come out as Ajv's (keyword, instancePath, params), so that _violations.ts
//   words them as for any contract.
import { createRequire } from "node:module";
import { FORMATS } from "./_formats.js";
import { regExp } from "./_regex.js";
const requireModule = createRequire(import.meta.url);
let cfworker = null;
/** cfworker, loaded on the first validation of a contract that needs it. */
function load() {
    cfworker ??= requireModule("@cfworker/json-schema");
    return cfworker;
}
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
// Where subschemas are (as in _runtime.ts's copy for Ajv).
const MAPS = new Set(["properties", "patternProperties", "$defs", "definitions",
    "dependentSchemas", "dependencies"]);
const ONES = new Set(["not", "if", "then", "else", "contains", "propertyNames",
    "additionalProperties", "unevaluatedProperties", "unevaluatedItems", "additionalItems"]);
const LISTS = new Set(["allOf", "anyOf", "oneOf", "prefixItems"]);
// Values that are data, not schemas: copied as they are.
const DATA = new Set(["const", "enum", "default", "required", "dependentRequired", "type",
    "$vocabulary"]);
/** What each of our format names stands for: a format, or a pattern. */
const HOOKS = new Map();
function hook(keyword, value) {
    const name = `contracts:${keyword}:${value}`;
    if (!HOOKS.has(name)) {
        HOOKS.set(name, { keyword, value });
        const check = keyword === "format"
            ? FORMATS[value]
            : (s) => regExp(value).test(s);
        load().format[name] = check;
    }
    return name;
}
function holdsId(value) {
    if (Array.isArray(value))
        return value.some(holdsId);
    if (!isObject(value))
        return false;
    return Object.hasOwn(value, "$id") || Object.values(value).some(holdsId);
}
/**
 * The copy of a schema cfworker is given: formats and patterns as our hooks, an
 * unknown format left out, `examples` and unknown keywords holding an `$id` left out
 * (cfworker would take those ids for schemas). Own "__proto__" keys stay properties.
 */
function prepare(schema) {
    if (!isObject(schema))
        return Array.isArray(schema) ? schema.map(prepare) : schema;
    const out = [];
    const extra = [];
    for (const [key, value] of Object.entries(schema)) {
        if (key === "examples" || key === "discriminator")
            continue;
        if (key === "format" && typeof value === "string") {
            if (Object.hasOwn(FORMATS, value))
                out.push([key, hook("format", value)]);
        }
        else if (key === "pattern" && typeof value === "string") {
            extra.push({ format: hook("pattern", value) });
        }
        else if (DATA.has(key)) {
            out.push([key, value]);
        }
        else if (MAPS.has(key) && isObject(value)) {
            out.push([key, Object.fromEntries(Object.entries(value).map(([k, v]) => [k, prepare(v)]))]);
        }
        else if ((ONES.has(key) || LISTS.has(key) || key === "items") && value !== null) {
            out.push([key, prepare(value)]);
        }
        else if (key.startsWith("$") || !holdsId(value)) {
            out.push([key, typeof value === "object" ? prepare(value) : value]);
        }
    }
    const hasFormat = out.some(([key]) => key === "format");
    if (extra.length === 1 && !hasFormat)
        out.push(["format", extra[0]["format"]]);
    else if (extra.length) {
        const allOf = out.find(([key]) => key === "allOf");
        const list = Array.isArray(allOf?.[1]) ? allOf[1] : [];
        if (allOf)
            allOf[1] = [...list, ...extra];
        else
            out.push(["allOf", extra]);
    }
    return Object.fromEntries(out);
}
// -- a scope of its own for each unevaluated* --------------------------------------------
//
// cfworker hands a subschema reached by $ref, then, else or dependentSchemas the
// evaluated set of its parent (and allOf/anyOf/oneOf branches a child of it), so an
// unevaluated* there also sees what its parent's other keywords evaluated. Each
// schema S holding one is given to it as {allOf: [{not: {not: S}}, marks]}: `not`
// validates S in a scope of its own (its verdict is S's), and the marks give the
// parent what S evaluates when it passes (every property for unevaluatedProperties,
// every item for unevaluatedItems; for a value of the other kind, S's other
// keywords through if/then). A failure is explained by S's own errors (expand).
/** Marks the `{not: {not: S}}` of a scoped schema S. */
const SCOPE = "x-contracts-scope";
const UNEVALUATED = new Set(["unevaluatedProperties", "unevaluatedItems"]);
/** `node` (a prepared schema) with every unevaluated* in a scope of its own. */
function scoped(node, made) {
    if (!isObject(node))
        return node;
    const entries = Object.entries(node).map(([key, value]) => {
        if (MAPS.has(key) && isObject(value)) {
            return [key, Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scoped(v, made)]))];
        }
        if ((LISTS.has(key) || key === "items") && Array.isArray(value)) {
            return [key, value.map((v) => scoped(v, made))];
        }
        return [key, ONES.has(key) || key === "items" ? scoped(value, made) : value];
    });
    let out = Object.fromEntries(entries);
    const up = Object.hasOwn(node, "unevaluatedProperties");
    const ui = Object.hasOwn(node, "unevaluatedItems");
    if ((up || ui) && !Object.hasOwn(node, "$id")) {
        const members = [{ not: { not: out }, [SCOPE]: true }];
        if (up)
            members.push({ patternProperties: { "": true } });
        if (ui)
            members.push({ contains: true, minContains: 0 });
        const wrapper = { allOf: members };
        if (up !== ui) {
            const array = { type: "array" };
            wrapper["if"] = up ? array : { not: array };
            wrapper["then"] = Object.fromEntries(entries.filter(([key]) => !UNEVALUATED.has(key)));
        }
        out = wrapper;
    }
    made.set(node, out);
    return out;
}
/**
 * Every location of the prepared schema `node` that the scoped one moved, known
 * to `lookup` by its place in the file (a $ref may point into a scoped schema).
 */
function keepPlaces(node, base, pointer, made, lookup) {
    if (!isObject(node))
        return;
    const uri = pointer === "" ? base : `${base}#${pointer}`;
    if (lookup[uri] === undefined)
        lookup[uri] = (made.get(node) ?? node);
    const at = (where, key) => `${where}/${encodeURI(key.replace(/~/g, "~0").replace(/\//g, "~1")).replace(/#/g, "%23")}`;
    for (const [key, value] of Object.entries(node)) {
        const here = at(pointer, key);
        if (MAPS.has(key) && isObject(value)) {
            for (const [k, v] of Object.entries(value))
                keepPlaces(v, base, at(here, k), made, lookup);
        }
        else if ((LISTS.has(key) || key === "items") && Array.isArray(value)) {
            value.forEach((v, i) => keepPlaces(v, base, `${here}/${i}`, made, lookup));
        }
        else if (ONES.has(key) || key === "items") {
            keepPlaces(value, base, here, made, lookup);
        }
    }
}
/** The errors of the scoped schemas that failed, in place of their `not`. */
function expand(errors, value, draft, root, lookup) {
    const out = [];
    for (const e of errors) {
        const held = e.keyword === "not" ? holder(e.keywordLocation, root, lookup) : null;
        if (held === null || held[SCOPE] !== true) {
            out.push(e);
            continue;
        }
        const inner = held["not"]["not"];
        const at = valueAt(value, pointerOf(e.instanceLocation));
        const result = load().validate(at, inner, draft, lookup, false, null, e.instanceLocation, `${e.keywordLocation}/not`);
        out.push(...expand(result.errors, value, draft, root, lookup));
    }
    return out;
}
function valueAt(value, pointer) {
    let node = value;
    for (const token of tokens(pointer)) {
        node = Array.isArray(node) ? node[Number(token)] : node[token];
    }
    return node;
}
/** The bundled schemas cfworker knows so far (its lookup), by draft. */
const lookups = new Map();
/** The uri of the location `pointer` of a bundled file, as cfworker's lookup keys it. */
function target(uri, pointer) {
    const base = new URL(uri.replace(/#$/, "")).href;
    if (pointer === "")
        return base;
    const encode = (t) => encodeURI(t.replace(/~/g, "~0").replace(/\//g, "~1")).replace(/#/g, "%23");
    return `${base}#/${tokens(pointer).map(encode).join("/")}`;
}
/** The JSON pointer a contract id's fragment spells (percent-escapes decoded). */
export function fragmentPointer(fragment) {
    try {
        return decodeURIComponent(fragment);
    }
    catch {
        return fragment;
    }
}
/**
 * The exact validator of the location `pointer` of the bundled file `at`, over the
 * bundled files `entries` (those the contract reaches), read with its draft.
 */
export function exactCheck(at, entries, pointer) {
    const cf = load();
    const key = at.draft === "7" ? "7" : "2020-12";
    let known = lookups.get(key);
    if (known === undefined) {
        known = { lookup: Object.create(null), added: new Set() };
        lookups.set(key, known);
    }
    for (const entry of entries) {
        const base = entry.uri.replace(/#$/, "");
        if (known.added.has(base))
            continue;
        known.added.add(base);
        const prepared = prepare(entry.schema);
        const made = new Map();
        const url = new URL(base);
        cf.dereference(scoped(prepared, made), known.lookup, url);
        keepPlaces(prepared, url.href, "", made, known.lookup);
    }
    const lookup = known.lookup;
    const root = { $ref: target(at.uri, pointer) };
    const check = ((value) => {
        const bad = nonFinite(value, "");
        if (bad !== null) {
            check.errors = [{ keyword: "type", instancePath: bad, params: { type: "number" } }];
            return false;
        }
        let result;
        try {
            result = cf.validate(value, root, key, lookup, false);
        }
        catch (error) {
            if (!(error instanceof URIError))
                throw error;
            // cfworker writes each property's place as a URI: a name holding a lone
            // surrogate has none. Not Unicode text, which the Python side refuses too.
            const message = "property names must be Unicode text (one holds a lone surrogate)";
            check.errors = [{ keyword: "unicode", instancePath: "", params: {}, message }];
            return false;
        }
        check.errors = result.valid
            ? null
            : ajvErrors(expand(result.errors, value, key, root, lookup), root, lookup);
        return result.valid;
    });
    check.errors = null;
    return check;
}
/** The pointer of the first NaN or Infinity in a value, or null. */
function nonFinite(value, at) {
    if (typeof value === "number")
        return Number.isFinite(value) ? null : at;
    if (value === null || typeof value !== "object")
        return null;
    for (const [k, v] of Object.entries(value)) {
        const found = nonFinite(v, `${at}/${k.replace(/~/g, "~0").replace(/\//g, "~1")}`);
        if (found !== null)
            return found;
    }
    return null;
}
// -- cfworker's errors as Ajv's ------------------------------------------------------------
/** A location of cfworker's output ("#/a/b%20c") as a JSON pointer ("/a/b c"). */
const pointerOf = (location) => decodeURIComponent(location.slice(1));
const tokens = (pointer) => pointer === "" ? [] : pointer.split("/").slice(1).map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
/** The schema holding the keyword at cfworker's keywordLocation (its $refs followed). */
function holder(location, root, lookup) {
    let node = root;
    const path = tokens(pointerOf(location));
    for (const token of path.slice(0, -1)) {
        // A reference (not a property named "$ref": a map of subschemas holds a schema).
        if (token === "$ref" && isObject(node) && typeof node["$ref"] === "string") {
            const ref = node;
            node = lookup[ref.__absolute_ref__ ?? ref.$ref];
        }
        else if (Array.isArray(node))
            node = node[Number(token)];
        else
            node = isObject(node) ? node[token] : undefined;
    }
    return isObject(node) ? node : {};
}
/** The quoted name in cfworker's `Property "name" ...` messages. */
const quoted = (message, before, after) => message.slice(message.indexOf(before) + before.length, message.lastIndexOf(after));
// Summaries whose subschema's own errors say it all: left out.
const QUIET = new Set(["$ref", "$recursiveRef", "properties", "patternProperties", "allOf",
    "prefixItems", "dependentSchemas", "dependencies", "propertyNames"]);
function ajvErrors(errors, root, lookup) {
    const out = [];
    const names = []; // propertyNames
    let swallow = false; // the next error is the `false` a summary already reported
    let under = null; // a summary whose inner errors are left out
    for (const e of errors) {
        const instancePath = pointerOf(e.instanceLocation);
        if (under !== null) {
            const inner = e.keyword === "false"
                ? e.instanceLocation.startsWith(`${under.instanceLocation}/`)
                : e.keywordLocation.startsWith(under.keywordLocation);
            if (inner)
                continue;
            under = null;
        }
        if (e.keyword === "false") {
            if (!swallow)
                out.push(named({ keyword: "false schema", instancePath, params: {} }, names, e));
            swallow = false;
            continue;
        }
        swallow = false;
        const parent = holder(e.keywordLocation, root, lookup);
        const value = parent[e.keyword];
        const limit = (n) => ({ keyword: e.keyword, instancePath, params: { limit: n } });
        switch (e.keyword) {
            case "propertyNames":
                names.push({ at: e.instanceLocation, key: quoted(e.error, 'name "', '" does'), location: e.keywordLocation });
                continue;
            case "unevaluatedItems":
            case "unevaluatedProperties":
            case "additionalProperties":
                if (e.keyword !== "additionalProperties" && (e.keyword === "unevaluatedItems" || value !== false)) {
                    // As the Python side says it: one line for the value, naming the schema.
                    under = e;
                    out.push({ keyword: e.keyword, instancePath, params: { schema: value } });
                }
                else if (value === false) {
                    swallow = true;
                    const name = quoted(e.error, 'Property "', '" does');
                    out.push({ keyword: e.keyword, instancePath, params: { [e.keyword === "additionalProperties" ? "additionalProperty" : "unevaluatedProperty"]: name } });
                }
                continue;
            case "items":
            case "additionalItems":
                if (value === false) {
                    swallow = true;
                    const prefix = parent[e.keyword === "items" ? "prefixItems" : "items"];
                    out.push(limit(Array.isArray(prefix) ? prefix.length : 0));
                }
                continue;
            case "anyOf":
                out.push({ keyword: "anyOf", instancePath, params: {}, message: "must match a schema in anyOf" });
                continue;
            case "oneOf":
                out.push({ keyword: "oneOf", instancePath, params: {}, message: "must match exactly one schema in oneOf" });
                continue;
            case "if": {
                const branch = e.error.includes('"then"') ? "then" : "else";
                out.push({ keyword: "if", instancePath, params: { failingKeyword: branch }, message: `must match "${branch}" schema` });
                continue;
            }
            case "not":
                out.push({ keyword: "not", instancePath, params: {}, message: "must NOT be valid" });
                continue;
            default:
                if (QUIET.has(e.keyword))
                    continue;
        }
        out.push(named(leaf(e.keyword, instancePath, parent, e), names, e));
    }
    return evaluatedOnce(out);
}
/** An error inside a propertyNames subschema: about the name (Ajv's propertyName). */
function named(error, names, e) {
    for (const n of names) {
        const child = `${n.at}/${encodeURI(n.key.replace(/~/g, "~0").replace(/\//g, "~1")).replace(/#/g, "%23")}`;
        if (e.instanceLocation === child && (e.keyword === "false" || e.keywordLocation.startsWith(n.location))) {
            return { ...error, instancePath: pointerOf(n.at), propertyName: n.key };
        }
    }
    return error;
}
/** A keyword's own error, with the params Ajv gives it. */
function leaf(keyword, instancePath, parent, e) {
    const value = parent[keyword];
    switch (keyword) {
        case "type":
            return { keyword, instancePath, params: { type: Array.isArray(value) ? value.join(",") : value } };
        case "required":
            return { keyword, instancePath, params: { missingProperty: quoted(e.error, 'property "', '".') } };
        case "dependentRequired":
        case "dependencies":
            return { keyword, instancePath, params: { property: quoted(e.error, 'has "', '" but'),
                    missingProperty: quoted(e.error, 'not have "', '".') } };
        case "enum":
            return { keyword, instancePath, params: { allowedValues: value } };
        case "const":
            return { keyword, instancePath, params: { allowedValue: value } };
        case "multipleOf":
            return { keyword, instancePath, params: { multipleOf: value } };
        case "format": {
            const found = HOOKS.get(String(value));
            if (found?.keyword === "pattern")
                return { keyword: "pattern", instancePath, params: { pattern: found.value } };
            return { keyword, instancePath, params: { format: found?.value ?? value } };
        }
        case "uniqueItems": {
            const [j, k] = (e.error.match(/\d+/g) ?? ["0", "0"]).map(Number);
            return { keyword, instancePath, params: { i: k, j } };
        }
        case "contains":
        case "minContains":
        case "maxContains": {
            const low = parent["minContains"] ?? 1;
            const high = parent["maxContains"];
            const message = high === undefined ? `must contain at least ${low} valid item(s)`
                : `must contain at least ${low} and no more than ${high} valid item(s)`;
            return { keyword: "contains", instancePath, params: {}, message };
        }
        default:
            return { keyword, instancePath, params: { limit: value }, message: e.error };
    }
}
/**
 * Without the "no such property" of a property that has errors of its own: cfworker
 * counts a property whose value failed as unevaluated; Ajv and the Python side count
 * it as evaluated, and report its errors only.
 */
function evaluatedOnce(errors) {
    const escape = (key) => key.replace(/~/g, "~0").replace(/\//g, "~1");
    // Failed: an error at the property or below it (an unevaluated property inside its
    // value counts too: cfworker reports each ancestor of one as unevaluated again).
    const failed = (child) => errors.some((o) => o.propertyName === undefined &&
        ((o.keyword !== "unevaluatedProperties" && o.instancePath === child) ||
            o.instancePath.startsWith(`${child}/`) ||
            (o.keyword === "unevaluatedProperties" && o.instancePath === child &&
                typeof o.params["unevaluatedProperty"] === "string")));
    return errors.filter((e) => {
        const key = e.params["unevaluatedProperty"];
        return typeof key !== "string" || !failed(`${e.instancePath}/${escape(key)}`);
    });
}
