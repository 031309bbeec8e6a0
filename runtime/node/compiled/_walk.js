// The union report's walk (_unions.ts): from a schema location, through $ref, allOf,
// the then or else an if picks, properties, additionalProperties and items, over a
// value, and how many locations the whole walk visits (runtime/_union_walk.py's
// _plan, _children and _steps).
import { compareCodePoints } from "./_violations.js";
export const MAX_STEPS = 10000; // schema locations visited per value, at most ($ref loops)
export const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const escapeToken = (key) => {
    const text = String(key);
    return text.includes("~") || text.includes("/")
        ? text.replace(/~/g, "~0").replace(/\//g, "~1")
        : text;
};
/** `pointer` with reference tokens appended (escaped). */
export const join = (pointer, ...tokens) => {
    for (const token of tokens)
        pointer += `/${escapeToken(token)}`;
    return pointer;
};
export const tokensOf = (pointer) => pointer === ""
    ? []
    : pointer
        .split("/")
        .slice(1)
        .map((t) => (t.includes("~") ? t.replace(/~1/g, "/").replace(/~0/g, "~") : t));
export const sortedKeys = (object) => Object.keys(object).sort(compareCodePoints);
/** The pointers at or above any of `pointers`: `at` is one of them exactly when some
 * pointer is at or below `at`. */
export function covering(pointers) {
    const found = new Set();
    for (const pointer of pointers) {
        found.add(pointer);
        for (let slash = pointer.indexOf("/"); slash >= 0; slash = pointer.indexOf("/", slash + 1)) {
            found.add(pointer.slice(0, slash));
        }
    }
    return found;
}
/** Where the walk goes from the location `path#pointer` holding `schema` (the same
 * for every value); `target` resolves a $ref (null: not followed). */
export function planOf(path, pointer, schema, seven, target) {
    const same = [];
    const ref = schema["$ref"];
    if (typeof ref === "string") {
        const goes = target(path, ref);
        if (goes !== null)
            same.push(goes);
        if (seven) {
            // draft-07 ignores the keywords beside $ref
            return { same, props: null, names: new Set(), extra: null, prefix: null, rest: null, cond: null };
        }
    }
    const allOf = schema["allOf"];
    if (Array.isArray(allOf))
        allOf.forEach((_, i) => same.push([path, join(pointer, "allOf", i)]));
    const props = isObject(schema["properties"]) ? schema["properties"] : {};
    const ordered = sortedKeys(props).map((name) => [
        name,
        join(pointer, "properties", name),
    ]);
    let extra = null;
    if (isObject(schema["additionalProperties"]) && !Object.hasOwn(schema, "patternProperties")) {
        extra = join(pointer, "additionalProperties");
    }
    const prefix = seven ? schema["items"] : schema["prefixItems"];
    const word = seven ? "items" : "prefixItems";
    let rest = seven ? "additionalItems" : "items";
    let first = [];
    if (Array.isArray(prefix)) {
        first = prefix.map((_, i) => join(pointer, word, i));
    }
    else if (isObject(prefix)) {
        rest = word; // draft-07 items: one schema for every item
    }
    const after = isObject(schema[rest]) ? join(pointer, rest) : null;
    let cond = null;
    if (isObject(schema["if"])) {
        const then = isObject(schema["then"]) ? join(pointer, "then") : null;
        const other = isObject(schema["else"]) ? join(pointer, "else") : null;
        if (then !== null || other !== null)
            cond = [join(pointer, "if"), then, other];
    }
    return { same, props: ordered, names: new Set(Object.keys(props)), extra, prefix: first, rest: after, cond };
}
/** The locations the walk goes on to from a location of `path` with plan `plan`, over
 * `value`; `picked`: the then or else of the plan's if the walk goes to (the caller
 * asks the if). */
export function childrenOf(plan, path, value, picked) {
    const out = [];
    for (const same of plan.same)
        out.push([same[0], same[1], value, null]);
    for (const there of picked)
        out.push([path, there, value, null]);
    if (isObject(value) && plan.props !== null) {
        for (const prop of plan.props) {
            const name = prop[0];
            if (Object.hasOwn(value, name))
                out.push([path, prop[1], value[name], name]);
        }
        if (plan.extra !== null) {
            for (const name of sortedKeys(value)) {
                if (!plan.names.has(name))
                    out.push([path, plan.extra, value[name], name]);
            }
        }
    }
    if (Array.isArray(value) && plan.prefix !== null) {
        const count = Math.min(plan.prefix.length, value.length);
        for (let i = 0; i < count; i++)
            out.push([path, plan.prefix[i], value[i], i]);
        if (plan.rest !== null) {
            for (let i = count; i < value.length; i++)
                out.push([path, plan.rest, value[i], i]);
        }
    }
    return out;
}
/** childrenOf's locations whose value's pointer is in `covered` (`here`: the value's
 * pointer), in the same order, as steps of the walk. */
export function childrenWithin(plan, path, value, here, covered, picked) {
    const out = [];
    for (const same of plan.same)
        out.push([same[0], same[1], value, here]);
    for (const there of picked)
        out.push([path, there, value, here]);
    if (isObject(value) && plan.props !== null) {
        for (const prop of plan.props) {
            const name = prop[0];
            if (!Object.hasOwn(value, name))
                continue;
            const below = join(here, name);
            if (covered.has(below))
                out.push([path, prop[1], value[name], below]);
        }
        if (plan.extra !== null) {
            // The names kept, then sorted: the order of childrenOf's.
            const kept = Object.keys(value).filter((name) => !plan.names.has(name) && covered.has(join(here, name)));
            for (const name of kept.sort(compareCodePoints)) {
                out.push([path, plan.extra, value[name], join(here, name)]);
            }
        }
    }
    if (Array.isArray(value) && plan.prefix !== null) {
        const count = Math.min(plan.prefix.length, value.length);
        for (let i = 0; i < count; i++) {
            const below = join(here, i);
            if (covered.has(below))
                out.push([path, plan.prefix[i], value[i], below]);
        }
        if (plan.rest !== null) {
            for (let i = count; i < value.length; i++) {
                const below = join(here, i);
                if (covered.has(below))
                    out.push([path, plan.rest, value[i], below]);
            }
        }
    }
    return out;
}
const SCALAR = Symbol("a value that is not an object or an array");
const identity = (v) => (v !== null && typeof v === "object" ? v : SCALAR);
/** How many locations the whole walk from `path#pointer` over `value` visits,
 * MAX_STEPS at most (also for a $ref loop); `children` gives the locations it goes
 * on to. Each count found is kept in `sizes` and read from there. */
export function countSteps(path, pointer, value, children, sizes) {
    const known = (p, q, v) => sizes.get(`${p}#${q}`)?.get(identity(v));
    const top = known(path, pointer, value);
    if (top !== undefined)
        return top;
    const frames = [];
    const open = new Map();
    const enter = (p, q, v) => {
        const kids = children(p, q, v);
        kids.reverse();
        const location = `${p}#${q}`;
        let values = open.get(location);
        if (values === undefined)
            open.set(location, (values = new Set()));
        values.add(identity(v));
        frames.push([location, v, kids, 1]);
    };
    enter(path, pointer, value);
    let result = MAX_STEPS;
    while (frames.length) {
        const frame = frames[frames.length - 1];
        const kids = frame[2];
        if (frame[3] >= MAX_STEPS)
            kids.length = 0;
        if (kids.length) {
            const kid = kids.pop();
            const p = kid[0];
            const q = kid[1];
            const v = kid[2];
            const size = known(p, q, v);
            if (open.get(`${p}#${q}`)?.has(identity(v))) {
                frame[3] = MAX_STEPS; // a loop: as many steps as allowed
            }
            else if (size !== undefined) {
                frame[3] += size;
            }
            else {
                enter(p, q, v);
            }
            continue;
        }
        frames.pop();
        const location = frame[0];
        const v = frame[1];
        open.get(location)?.delete(identity(v));
        result = Math.min(frame[3], MAX_STEPS);
        let bySize = sizes.get(location);
        if (bySize === undefined)
            sizes.set(location, (bySize = new Map()));
        bySize.set(identity(v), result);
        const parent = frames[frames.length - 1];
        if (parent !== undefined)
            parent[3] += result;
    }
    return result;
}
