// Whether a value surely fails a schema, without a validation (the union report's
// `doomed`, _unions.ts; the Python runtime's is _fullcheck.py's FullCheck.doomed): the
// schema asserts a type the value is not, a property the value lacks, or a string
// `const` or `enum` for a property the value holds otherwise. Each validator of the
// runtime (the precompiled ones, Ajv, cfworker) reads these keywords the same way.
// A schema that is a union alone (a oneOf or anyOf and nothing else that asserts) is
// surely failed when each of its branches is (`all`; the Python runtime's
// runtime/_doomed.py AllFail): a webhook's root names 66 events, each a oneOf of its
// actions told apart by "action", and 65 are ruled out so, without a validation.
import { NOT_ASSERTING } from "./_bounds.js";
import { isObject, join } from "./_walk.js";
// The types whose test is the same for Ajv, cfworker and jsonschema.
const KINDS = {
    object: isObject,
    array: (v) => Array.isArray(v),
    string: (v) => typeof v === "string",
    boolean: (v) => typeof v === "boolean",
    null: (v) => v === null,
};
/** Whether `value` surely fails a schema with test `test`. */
export function fails(test, value) {
    if (test.kinds.length && !test.kinds.some((kind) => kind(value)))
        return true;
    if (test.all !== null) {
        for (const branch of test.all)
            if (!fails(branch, value))
                return false;
        return true;
    }
    if (!isObject(value))
        return false;
    for (const name of test.required)
        if (!Object.hasOwn(value, name))
            return true;
    for (const tag of test.tags) {
        const name = tag[0];
        const allowed = tag[1];
        if (!Object.hasOwn(value, name))
            continue;
        const given = value[name];
        // undefined: no value (Ajv's ownProperties reads it as absent).
        if (given !== undefined && (typeof given !== "string" || !allowed.has(given)))
            return true;
    }
    return false;
}
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
export function testAt(path, pointer, schema, ids, unions = true) {
    return testFrom(schema(path, pointer), path, pointer, schema, ids, unions);
}
/** testAt of the schema `node` found at `path#pointer`. */
function testFrom(node, path, pointer, schema, ids, unions = true) {
    for (let i = 0;; i++) {
        if (!isObject(node))
            return null;
        const ref = node["$ref"];
        if (ref === undefined)
            break;
        if (typeof ref !== "string" || Object.hasOwn(node, "$id") || i >= 20)
            return null;
        const hash = ref.indexOf("#");
        const base = hash < 0 ? ref : ref.slice(0, hash);
        const fragment = hash < 0 ? "" : ref.slice(hash + 1);
        const where = ids.get(base);
        if (where === undefined || fragment.includes("%") || (fragment && !fragment.startsWith("/"))) {
            return null;
        }
        path = where;
        pointer = fragment;
        node = schema(where, fragment);
    }
    let found = tests.get(node);
    if (found === undefined) {
        if (!unions)
            return ownTest(node);
        tests.set(node, null); // unsure while found (a loop of unions through $refs)
        const own = ownTest(node);
        found = allFail(own, node, path, pointer, schema, ids) ?? own;
        tests.set(node, found);
    }
    return found;
}
/** testOf, found once per schema object. */
function ownTest(node) {
    let found = owns.get(node);
    if (found === undefined)
        owns.set(node, (found = testOf(node)));
    return found;
}
/** The test of a schema at `path#pointer` that is a union alone (a oneOf or anyOf and
 * nothing else that asserts, no `$id`; the bundle marks a tagged union with a type and
 * a discriminator beside it, which only add failures: `own` keeps the type's test)
 * each branch of which has a test (a branch that is `false` always fails: it is left
 * out); null for any other schema. */
function allFail(own, node, path, pointer, schema, ids) {
    let keyword = null;
    for (const key of Object.keys(node)) {
        if ((key === "oneOf" || key === "anyOf") && keyword === null)
            keyword = key;
        else if (key === "$id" || !(NOT_ASSERTING.has(key) || key === "type" || key === "discriminator")) {
            return null;
        }
    }
    const branches = keyword === null ? undefined : node[keyword];
    if (!Array.isArray(branches) || !branches.length)
        return null;
    const all = [];
    for (let i = 0; i < branches.length; i++) {
        if (branches[i] === false)
            continue;
        const test = testFrom(branches[i], path, join(pointer, keyword, i), schema, ids);
        if (test === null)
            return null;
        all.push(test);
    }
    return { kinds: own === null ? [] : own.kinds, required: [], tags: [], all };
}
/** The test of a schema object, found once per object (many locations lead to one
 * through their `$ref`s: every event's "repository"). */
const tests = new WeakMap();
/** The test of a schema object's own keywords (a union alone's branches left aside). */
const owns = new WeakMap();
function testOf(node) {
    const named = node["type"];
    const names = typeof named === "string" ? [named] : named;
    let kinds = [];
    if (Array.isArray(names) && names.length && names.every((n) => Object.hasOwn(KINDS, n))) {
        kinds = names.map((n) => KINDS[n]);
    }
    const wanted = node["required"];
    const required = (Array.isArray(wanted) ? wanted : []).filter((n) => typeof n === "string");
    const tags = [];
    const props = node["properties"];
    const byName = isObject(props) ? props : {};
    for (const name of Object.keys(byName)) {
        const prop = byName[name];
        // draft-07 reads nothing beside a $ref; Ajv reads no "__proto__" property
        if (!isObject(prop) || Object.hasOwn(prop, "$ref") || name === "__proto__")
            continue;
        let allowed = null;
        const fixed = prop["const"];
        const one = prop["enum"];
        if (Object.hasOwn(prop, "const")) {
            if (typeof fixed === "string")
                allowed = new Set([fixed]);
        }
        else if (Array.isArray(one) && one.length && one.every((v) => typeof v === "string")) {
            allowed = new Set(one);
        }
        if (allowed !== null)
            tags.push([name, allowed]);
    }
    if (!(kinds.length || required.length || tags.length))
        return null;
    return { kinds, required, tags, all: null };
}
