// A floor under the union report's closeness (_unions.ts): the members of a value
// (properties, present or required) a branch's explained errors surely touch, found
// without a validation, so the closest branch is found without asking every named
// branch for its errors (the webhook union's "edited" events are 19; the closest of
// a branch_protection_rule edited message is the first, and none of the others can
// come as close).
//
// The branch's explained errors hold an error at or below a member when (each
// validator of the runtime words these the same way, at the member: _violations.ts):
// - the branch's schema (its chain of lone `$ref`s followed) asserts only what an
//   object's own properties are (type, required, properties, additionalProperties,
//   patternProperties, min/maxProperties): the walk then finds no union at the value
//   itself, so no error at or below a member is removed as a union's noise (a union
//   below a member leaves its line there); and then a required member is missing, a
//   member's schema surely fails its value (`doomed`), or `additionalProperties` is
//   false (or surely fails) for a member no `properties` names and no
//   `patternProperties` could;
// - the branch's schema is a oneOf or anyOf and nothing else that asserts, the value's
//   tag names one of its branches (the report's first choice, _unions.ts's choose) and
//   every other branch surely fails: its errors are the named branch's, recursively.
// Anything else: no member is sure (a floor of 0).
import { compareCodePoints } from "./_violations.js";
import { isObject, join } from "./_walk.js";
// Keywords that assert nothing (as runtime/_fastcheck.py's _NOT_ASSERTING).
export const NOT_ASSERTING = new Set([
    "$schema", "$id", "$comment", "$anchor", "$defs", "definitions", "title", "description",
    "examples", "default", "deprecated", "readOnly", "writeOnly",
]);
// What an object schema may assert for its members' errors to be sure.
const MEMBERS = new Set([
    "type", "required", "properties", "additionalProperties", "patternProperties",
    "minProperties", "maxProperties",
]);
const DEEPEST = 20; // nested unions and $refs followed, at most
export class Bounds {
    look;
    ids;
    shapes = new Map();
    /** ids: absolute URI of a bundled file -> its path. */
    constructor(look, ids) {
        this.look = look;
        this.ids = ids;
    }
    /** The members of `value` the explained errors of the schema at `path#pointer`
     * surely touch (empty when unsure). */
    sure(path, pointer, value, depth = 0) {
        const found = new Set();
        const shape = isObject(value) && depth < DEEPEST ? this.shape(path, pointer) : null;
        if (shape === null || !isObject(value))
            return found;
        if (shape.kind === "union") {
            const chosen = this.named(shape, value);
            if (chosen < 0)
                return found;
            for (let k = 0; k < shape.count; k++) {
                if (k !== chosen && !this.fails(shape.path, join(shape.pointer, shape.keyword, k), value, depth + 1)) {
                    return found;
                }
            }
            // The chosen branch fails too when any member is sure: every branch fails.
            return this.sure(shape.path, join(shape.pointer, shape.keyword, chosen), value, depth + 1);
        }
        const schema = shape.schema;
        const props = isObject(schema["properties"]) ? schema["properties"] : {};
        const patterns = isObject(schema["patternProperties"]) && Object.keys(schema["patternProperties"]).length > 0;
        const extra = schema["additionalProperties"];
        const required = schema["required"];
        if (Array.isArray(required)) {
            for (const name of required) {
                if (typeof name === "string" && name !== "__proto__" && !Object.hasOwn(value, name))
                    found.add(name);
            }
        }
        for (const name of Object.keys(value)) {
            if (name === "__proto__")
                continue;
            if (Object.hasOwn(props, name)) {
                if (this.look.doomed(shape.path, join(shape.pointer, "properties", name), value[name]))
                    found.add(name);
            }
            else if (patterns) {
                continue;
            }
            else if (extra === false) {
                found.add(name);
            }
            else if (isObject(extra)) {
                if (this.look.doomed(shape.path, join(shape.pointer, "additionalProperties"), value[name])) {
                    found.add(name);
                }
            }
        }
        return found;
    }
    /** The keyword of the union the schema at a location is, alone: its lone `$ref`s
     * followed, nothing else that asserts but a type an object passes and a
     * discriminator (null: another schema). */
    alone(path, pointer) {
        const shape = this.shape(path, pointer);
        return shape !== null && shape.kind === "union" ? shape.keyword : null;
    }
    /** Whether `value` (an object) surely fails the schema at a location: doomed, or a
     * union alone every branch of which surely fails. */
    fails(path, pointer, value, depth) {
        if (this.look.doomed(path, pointer, value))
            return true;
        const shape = depth < DEEPEST ? this.shape(path, pointer) : null;
        if (shape === null || shape.kind !== "union")
            return false;
        for (let k = 0; k < shape.count; k++) {
            if (!this.fails(shape.path, join(shape.pointer, shape.keyword, k), value, depth + 1))
                return false;
        }
        return true;
    }
    /** The branch the value's tags name, as the report's choose() reads them (-1: none). */
    named(shape, value) {
        const tags = this.look.tags(shape.path, shape.pointer, shape.keyword, shape.count);
        for (const name of [...tags.keys()].sort(compareCodePoints)) {
            const given = Object.hasOwn(value, name) ? value[name] : undefined;
            const index = typeof given === "string" ? tags.get(name).get(given) : undefined;
            if (index !== undefined)
                return index;
        }
        return -1;
    }
    /** The shape of the schema at a location, its lone `$ref`s followed (each an
     * absolute URI of a bundled file and a JSON pointer, nothing beside it that asserts),
     * remembered per location; null when neither shape or unsure. */
    shape(path, pointer) {
        const key = `${path}#${pointer}`;
        let found = this.shapes.get(key);
        if (found === undefined) {
            found = this.find(path, pointer);
            this.shapes.set(key, found);
        }
        return found;
    }
    find(path, pointer) {
        let node = this.look.schema(path, pointer);
        for (let i = 0; isObject(node) && Object.hasOwn(node, "$ref"); i++) {
            const ref = node["$ref"];
            if (i >= DEEPEST || typeof ref !== "string")
                return null;
            if (Object.keys(node).some((k) => k !== "$ref" && (k === "$id" || !NOT_ASSERTING.has(k))))
                return null;
            const hash = ref.indexOf("#");
            const where = this.ids.get(hash < 0 ? ref : ref.slice(0, hash));
            const fragment = hash < 0 ? "" : ref.slice(hash + 1);
            if (where === undefined || fragment.includes("%") || (fragment && !fragment.startsWith("/")))
                return null;
            path = where;
            pointer = fragment;
            node = this.look.schema(path, pointer);
        }
        if (!isObject(node))
            return null;
        // Only objects are asked of (an object passes a type that allows one); a
        // discriminator (the bundle's mark of a tagged union) adds no error the report keeps.
        const type = node["type"];
        if (type !== undefined && type !== "object" && !(Array.isArray(type) && type.includes("object")))
            return null;
        const asserting = Object.keys(node).filter((k) => !NOT_ASSERTING.has(k) && k !== "type" && k !== "discriminator");
        const keyword = asserting.length === 1 ? asserting[0] : "";
        const branches = node[keyword];
        if ((keyword === "oneOf" || keyword === "anyOf") && Array.isArray(branches) && branches.length) {
            return { kind: "union", path, pointer, keyword, count: branches.length };
        }
        if (Object.hasOwn(node, "discriminator") || !asserting.every((k) => MEMBERS.has(k)))
            return null;
        return { kind: "members", path, pointer, schema: node };
    }
}
