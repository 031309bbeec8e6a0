/**
 * Violations listed in a dead letter, an HTTP problem or an error's text; the rest
 * are counted (`dlq.errors_omitted`, `errors_omitted`, the omitted line), as in the
 * Python runtime (runtime/errors.py), with the same number and the same line.
 */
export const MAX_VIOLATIONS = 100;
/** The first MAX_VIOLATIONS and how many more there are. */
export function capped(violations) {
    return [violations.slice(0, MAX_VIOLATIONS), Math.max(0, violations.length - MAX_VIOLATIONS)];
}
/** The line that ends a capped list of violations. */
export function omittedLine(omitted) {
    return `... and ${omitted} more violation(s)`;
}
/** A violation as one line of text: `pointer: expected X, got Y`. */
export function violationText(v) {
    return `${v.pointer || "/"}: expected ${v.expected}, got ${v.got}`;
}
/**
 * JSON text like Python's json.dumps(sort_keys=True, ensure_ascii=False), written into
 * `out` until it holds more than `budget` UTF-16 units (then the rest is left out).
 */
function pyJson(value, out, budget) {
    const emit = (text) => {
        if (budget.left < 0)
            return;
        out.push(text);
        budget.left -= text.length;
    };
    if (budget.left < 0)
        return;
    if (typeof value === "number" && !Number.isFinite(value)) {
        emit(Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
    }
    else if (Array.isArray(value)) {
        emit("[");
        for (let i = 0; i < value.length && budget.left >= 0; i++) {
            if (i)
                emit(", ");
            if (i in value)
                pyJson(value[i], out, budget); // a hole: "" (as Array.map's join)
        }
        emit("]");
    }
    else if (value !== null && typeof value === "object") {
        const object = value;
        emit("{");
        const keys = Object.keys(object).sort(compareCodePoints);
        for (let i = 0; i < keys.length && budget.left >= 0; i++) {
            const key = keys[i];
            emit(`${i ? ", " : ""}${JSON.stringify(key)}: `);
            pyJson(object[key], out, budget);
        }
        emit("}");
    }
    else {
        emit(JSON.stringify(value) ?? "null");
    }
}
/**
 * A short JSON rendering of an offending value (runtime/_pointer.py's show): at most
 * 80 code points, else the first 77 and "...". Only the first 162 UTF-16 units of
 * the JSON text are written: 81 code points at least, enough to decide.
 */
export function show(value) {
    if (shown === null || value === null || typeof value !== "object")
        return render(value);
    let found = shown.get(value);
    if (found === undefined) {
        found = render(value);
        shown.set(value, found);
    }
    return found;
}
function render(value) {
    const out = [];
    pyJson(value, out, { left: 162 });
    const text = out.join("");
    if (text.length <= 80)
        return text;
    const chars = Array.from(text);
    return chars.length > 80 ? `${chars.slice(0, 77).join("")}...` : chars.join("");
}
const isSurrogate = (unit) => unit >= 0xd800 && unit <= 0xdfff;
// A UTF-16 unit from the surrogates up: where UTF-16 order may not be code point order.
const HIGH = /[\ud800-\uffff]/;
/** Strings ordered by code point (as Python compares them), not by UTF-16 unit. */
export function compareCodePoints(a, b) {
    if (a === b)
        return 0;
    // Below the surrogates, a unit is a code point: the engine's own order is the same.
    if (!HIGH.test(a) && !HIGH.test(b))
        return a < b ? -1 : 1;
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
        const x = a.charCodeAt(i);
        const y = b.charCodeAt(i);
        if (x === y)
            continue;
        // UTF-16 order is code point order but where a surrogate meets U+E000..U+FFFF:
        // from there (with the lead surrogate before, if any) by code point.
        if (isSurrogate(x) || isSurrogate(y) || (i > 0 && isSurrogate(a.charCodeAt(i - 1)))) {
            const from = i > 0 && isSurrogate(a.charCodeAt(i - 1)) ? i - 1 : i;
            return byCodePoint(a.slice(from), b.slice(from));
        }
        return x - y;
    }
    return a.length - b.length;
}
function byCodePoint(a, b) {
    const x = Array.from(a, (c) => c.codePointAt(0));
    const y = Array.from(b, (c) => c.codePointAt(0));
    for (let i = 0; i < Math.min(x.length, y.length); i++) {
        if (x[i] !== y[i])
            return x[i] - y[i];
    }
    return x.length - y.length;
}
const escapeToken = (key) => String(key).replace(/~/g, "~0").replace(/\//g, "~1");
function at(instance, pointer) {
    let current = instance;
    for (const token of pointer.split("/").slice(1)) {
        const key = token.replace(/~1/g, "/").replace(/~0/g, "~");
        if (current === null || typeof current !== "object" || !Object.hasOwn(current, key)) {
            return undefined;
        }
        current = current[key];
    }
    return current;
}
const TYPES = {
    integer: "an integer",
    string: "a string",
    number: "a number",
    boolean: "a boolean",
    null: "null",
    array: "an array",
    object: "an object",
};
// Keywords whose error has params.limit: the phrase, with N for the limit.
const LIMITS = {
    minLength: "at least N character(s)",
    maxLength: "at most N character(s)",
    minItems: "at least N item(s)",
    maxItems: "at most N item(s)",
    items: "at most N item(s)",
    additionalItems: "at most N item(s)",
    unevaluatedItems: "at most N item(s)",
    minProperties: "at least N properties",
    maxProperties: "at most N properties",
    minimum: "a number >= N",
    maximum: "a number <= N",
    exclusiveMinimum: "a number > N",
    exclusiveMaximum: "a number < N",
};
/** One Ajv error as a Violation, or null for a summary that adds nothing. */
function describeError(e, instance) {
    const p = (e.params ?? {});
    const here = e.instancePath;
    const child = (key) => `${here}/${escapeToken(key)}`;
    const found = (expected) => ({
        pointer: here,
        expected,
        got: show(at(instance, here)),
    });
    const missing = (key, expected) => ({
        pointer: child(key),
        expected,
        got: "nothing",
    });
    if (e.propertyName !== undefined) {
        // An error of a propertyNames subschema: about the name, not the object.
        const name = e.propertyName;
        const inner = describeError({ ...e, instancePath: "", propertyName: undefined }, name);
        const expected = `${inner?.expected} (as a property name)`;
        return inner && { pointer: child(name), expected, got: inner.got };
    }
    switch (e.keyword) {
        case "type": {
            const types = Array.isArray(p["type"]) ? p["type"] : String(p["type"]).split(",");
            return found(types.map((t) => TYPES[t] ?? t).join(" or "));
        }
        case "required":
            return missing(p["missingProperty"], "a required property");
        case "dependentRequired":
        case "dependencies":
            return missing(p["missingProperty"], `a required property (${p["property"]} is present)`);
        case "additionalProperties":
        case "unevaluatedProperties": {
            // A whole value's unevaluated* with its schema (how the Python side words it).
            if (p["schema"] !== undefined)
                return found(`${e.keyword} ${show(p["schema"])}`);
            const key = p["additionalProperty"] ?? p["unevaluatedProperty"];
            const expected = `no such property (${e.keyword} is false)`;
            return { pointer: child(key), expected, got: show(at(instance, child(key))) };
        }
        case "propertyNames":
            return null; // its subschema's errors, reported above, say why
        case "format":
            return found(`a valid ${p["format"]} string`);
        case "pattern":
            return found(`a string matching ${p["pattern"]}`);
        case "enum":
            return found(`one of ${p["allowedValues"].map(show).join(", ")}`);
        case "const":
            return found(`one of ${show(p["allowedValue"])}`);
        case "multipleOf":
            return found(`a multiple of ${p["multipleOf"]}`);
        case "uniqueItems":
            return found(`unique items (item ${Math.max(p["i"], p["j"])} repeats)`);
        case "discriminator": {
            if (p["error"] === "tag" && p["tagValue"] === undefined) {
                return missing(p["tag"], "a required property");
            }
            const expected = p["error"] === "tag" ? "a string" : `a "${p["tag"]}" tag of one of the branches`;
            return { pointer: child(p["tag"]), expected, got: show(p["tagValue"]) };
        }
        case "false schema":
            return found("no value at all (the schema is false)");
        default: {
            if (e.keyword === "unevaluatedItems" && p["schema"] !== undefined) {
                return found(`${e.keyword} ${show(p["schema"])}`);
            }
            const phrase = Object.hasOwn(LIMITS, e.keyword) ? LIMITS[e.keyword] : undefined;
            if (phrase !== undefined && p["limit"] !== undefined) {
                return found(phrase.replace("N", String(p["limit"])));
            }
            return found(`${e.keyword}: ${e.message}`);
        }
    }
}
/** While one message is worded: each error's violation, with the value it was read in. */
let worded = null;
/** While one message is worded: show() of each object or array. */
let shown = null;
/**
 * `run()`, with each Ajv error's violation and each value's rendering remembered
 * meanwhile: the union report asks for a branch's errors apart, and the precompiled
 * validators give it the very error objects the contract's validation made
 * (_precompiled.ts's remembering); the branches of a union render the same values.
 * Only while one message is worded: a caller's objects may change after.
 */
export function wording(run) {
    const outer = [worded, shown];
    worded ??= new WeakMap();
    shown ??= new WeakMap();
    try {
        return run();
    }
    finally {
        [worded, shown] = outer;
    }
}
function described(e, instance) {
    if (worded === null)
        return describeError(e, instance);
    const known = worded.get(e);
    if (known !== undefined && known[0] === instance)
        return known[1];
    const found = describeError(e, instance);
    worded.set(e, [instance, found]);
    return found;
}
// Ajv's summaries of a failed anyOf or if/then add nothing to the errors it reports
// inside them (the Python runtime reports those alone): kept only when alone.
const SUMMARIES = new Set(["anyOf", "if"]);
/** Ajv's errors of one value as violations (not yet sorted). */
export function toViolations(errors, instance) {
    const list = errors ?? [];
    const inner = (e) => list.some((o) => o !== e &&
        !SUMMARIES.has(o.keyword) &&
        (o.instancePath === e.instancePath || o.instancePath.startsWith(`${e.instancePath}/`)));
    const out = [];
    for (const e of list) {
        if (SUMMARIES.has(e.keyword) && inner(e))
            continue;
        for (const one of perType(e)) {
            const v = described(one, instance);
            if (v !== null)
                out.push(v);
        }
    }
    return out;
}
/**
 * A failed list of types in the Python runtime's words: one violation per type, and
 * none for "null" beside others (`["string", "null"]` reads "a string", as the
 * Optional Python makes of it).
 */
function perType(e) {
    if (e.keyword !== "type" || e.propertyName !== undefined)
        return [e];
    const raw = e.params["type"];
    const types = Array.isArray(raw) ? raw : String(raw).split(",");
    const named = types.filter((t) => t !== "null");
    if (types.length < 2 || named.length === 0)
        return [e];
    return named.map((type) => ({ ...e, params: { ...e.params, type } }));
}
/** A violation's three texts as one string, different for different violations. */
export function violationKey(v) {
    return `${v.pointer.length}:${v.pointer}${v.expected.length}:${v.expected}${v.got}`;
}
const TYPE_PHRASES = new Set(["a string", "an integer", "a number", "a boolean", "null", "an array",
    "an object"]);
/**
 * Without a type error beside a failed `enum` or `const` of the same value
 * (`{"type": "string", "enum": ["a"]}` given 5): the allowed values say it, as the Python
 * runtime words it (Pydantic's Literal reports the enum alone; runtime/errors.py).
 */
export function besideEnum(violations) {
    const enums = new Set(violations.filter((v) => v.expected.startsWith("one of ")).map((v) => violationKey({ ...v, expected: "" })));
    if (enums.size === 0)
        return [...violations];
    return violations.filter((v) => !TYPE_PHRASES.has(v.expected) || !enums.has(violationKey({ ...v, expected: "" })));
}
/** Sorted (by pointer, expected, got) and without duplicates, like the Python runtime. */
export function normalise(violations) {
    const seen = new Map();
    for (const { pointer, expected, got } of violations) {
        const v = { pointer: String(pointer), expected: String(expected), got: String(got) };
        seen.set(violationKey(v), Object.freeze(v));
    }
    const order = (a, b) => compareCodePoints(a.pointer, b.pointer) ||
        compareCodePoints(a.expected, b.expected) ||
        compareCodePoints(a.got, b.got);
    return [...seen.values()].sort(order);
}
/** Base of the runtime's errors. */
export class RuntimeContractError extends Error {
    constructor(message) {
        super(message);
        this.name = new.target.name;
    }
}
/** The contract (schema path) is not in the generated package. */
export class UnknownContract extends RuntimeContractError {
}
/** A value does not satisfy its contract; `violations` lists every error. */
export class ContractViolation extends RuntimeContractError {
    /** The contract, e.g. "order/order_created.v1.json". */
    contract;
    /** Every violation, sorted by pointer, expected, got, without duplicates. */
    violations;
    /** Where the value was (stream and entry id, or HTTP route), when known. */
    where;
    constructor(contract, violations, where = {}) {
        const sorted = normalise(besideEnum([...violations]));
        const place = Object.keys(where)
            .sort(compareCodePoints)
            .map((k) => ` ${k}=${where[k]}`)
            .join("");
        const [shown, omitted] = capped(sorted);
        const lines = shown.map((v) => `  ${violationText(v)}`);
        if (omitted)
            lines.push(`  ${omittedLine(omitted)}`);
        super([`${contract}${place}: ${sorted.length} violation(s)`, ...lines].join("\n"));
        this.contract = contract;
        this.violations = Object.freeze(sorted);
        this.where = Object.freeze({ ...where });
    }
    toJSON() {
        return { contract: this.contract, where: this.where, violations: this.violations };
    }
}
