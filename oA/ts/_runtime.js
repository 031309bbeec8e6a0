// Runtime of the generated contracts package.
//
// Validates values against the bundled JSON Schemas with Ajv, with the same
// semantics as the Python package's runtime/support: its own format checkers
// (_formats.ts) and `multipleOf` in exact decimal arithmetic. Every error becomes a
// Violation {pointer, expected, got}; ContractViolation carries all of them for one value.
import AjvModule from "ajv";
import Ajv2020Module from "ajv/dist/2020.js";
import { FORMATS, isMultiple } from "./_formats.js";
import { regExp } from "./_regex.js";
import { SCHEMAS } from "./_schemas.js";
import { ContractViolation, UnknownContract, normalise, toViolations } from "./_violations.js";
export { FORMATS, isDate, isDateTime, isDuration, isEmail, isHostname, isIpv4, isIpv6, isMultiple, isTime, isUri, isUuid, punycodeDecode, } from "./_formats.js";
export { ContractViolation, RuntimeContractError, UnknownContract } from "./_violations.js";
// Ajv is CommonJS: Node's default import is its module.exports (the class).
const Ajv = AjvModule;
const Ajv2020 = Ajv2020Module;
const ROOT_URI = "file:///schemas/";
export const DEFAULT_LIMITS = Object.freeze({
    maxBytes: 1 << 20,
    maxDepth: 64,
});
function multipleOfKeyword() {
    const validate = (divisor, data) => {
        if (isMultiple(data, divisor))
            return true;
        const message = `must be multiple of ${divisor}`; // a fresh error: Ajv completes it
        validate.errors = [{ keyword: "multipleOf", message, params: { multipleOf: divisor } }];
        return false;
    };
    return { keyword: "multipleOf", type: "number", schemaType: "number", errors: true, validate };
}
// -- Ajv engines and contracts ---------------------------------------------------------
// Where subschemas are: maps of them, single ones, lists of them (any draft).
const MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas",
    "dependencies"];
const ONES = ["not", "if", "then", "else", "contains", "propertyNames", "additionalProperties",
    "unevaluatedProperties", "unevaluatedItems", "additionalItems", "items"];
const LISTS = ["allOf", "anyOf", "oneOf", "prefixItems", "items"];
const isObject = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
/**
 * Ajv skips a property named "__proto__" in `properties` (it then counts as an
 * additional property): a copy of the schema where the same rule is added as
 * `patternProperties` "^__proto__$", which Ajv does apply.
 */
function protoSafe(schema) {
    if (!isObject(schema))
        return schema;
    const out = { ...schema };
    for (const key of ONES)
        if (Object.hasOwn(schema, key))
            out[key] = protoSafe(schema[key]);
    for (const key of LISTS) {
        const list = schema[key];
        if (Array.isArray(list))
            out[key] = list.map(protoSafe);
    }
    for (const key of MAPS) {
        const map = schema[key];
        if (isObject(map)) {
            out[key] = Object.fromEntries(Object.entries(map).map(([k, v]) => [k, protoSafe(v)]));
        }
    }
    const properties = out["properties"];
    if (isObject(properties) && Object.hasOwn(properties, "__proto__")) {
        const extra = { "^__proto__$": properties["__proto__"] };
        out["patternProperties"] = { ...out["patternProperties"], ...extra };
    }
    return out;
}
/** The options every engine is made with (the precompiled validators use the same). */
const AJV_OPTIONS = Object.freeze({
    allErrors: true,
    strict: false,
    validateFormats: true,
    unicodeRegExp: true,
    // Patterns run in re2js (linear time), translated by the compiler: _regex.ts.
    code: { regExp },
    // Only a value's own properties count: {} has no "constructor" property.
    ownProperties: true,
    // Unions told apart by a const tag carry `discriminator` (codegen/compiler/bundle.py):
    // only the branch the tag names is validated, and only its errors reported.
    discriminator: true,
    // The compiler has checked every schema (codegen/compiler/vocabulary.py); validating
    // them again against the meta-schemas would only cost start-up time.
    validateSchema: false,
});
/** A `console` that drops Ajv's warnings about draft-07 keywords beside a $ref. */
function quietLogger() {
    // Draft-07 ignores the keywords beside a $ref (as the Python side does): Ajv's
    // option for it is deprecated and warns on every such $ref, which is intended.
    const quiet = /^(\$ref: keywords ignored|DEPRECATED: option ignoreKeywordsWithRef)/;
    return {
        log: console.log,
        warn: (message, ...rest) => {
            if (!quiet.test(String(message)))
                console.warn(message, ...rest);
        },
        error: console.error,
    };
}
/**
 * The `format` values in the schemas that are no format JSON Schema defines (a
 * vendor's "color"): annotations, as on the Python side, so Ajv accepts any string
 * for them. (A property named "format" may be collected too: harmless.)
 */
function unknownFormats(value, found = new Set()) {
    if (Array.isArray(value)) {
        for (const item of value)
            unknownFormats(item, found);
    }
    else if (value !== null && typeof value === "object") {
        for (const [key, item] of Object.entries(value)) {
            if (key === "format" && typeof item === "string" && !Object.hasOwn(FORMATS, item)) {
                found.add(item);
            }
            else {
                unknownFormats(item, found);
            }
        }
    }
    return found;
}
/** Formats (unknown ones as annotations) and decimal multipleOf, as in Python. */
function configure(ajv, entries) {
    for (const [name, validate] of Object.entries(FORMATS)) {
        ajv.addFormat(name, { type: "string", validate });
    }
    for (const name of unknownFormats(entries.map((entry) => entry.schema))) {
        ajv.addFormat(name, true);
    }
    ajv.removeKeyword("multipleOf");
    ajv.addKeyword(multipleOfKeyword());
    return ajv;
}
/** An Ajv instance for one draft ("2020-12" or "7"), configured as the runtime's. */
function makeAjv(draft, entries, extra = {}) {
    const options = { ...AJV_OPTIONS, ...extra };
    return configure(draft === "7"
        ? new Ajv({ ...options, ignoreKeywordsWithRef: true, logger: quietLogger() })
        : new Ajv2020(options), entries);
}
/** The place of a bundled schema below the schemas folder. */
const pathOf = (entry) => entry.path ?? (entry.uri.startsWith(ROOT_URI) ? entry.uri.slice(ROOT_URI.length) : entry.uri);
/** Adds every bundled schema to `ajv`, by its $id and by its place in the folder. */
function addSchemas(ajv, entries) {
    for (const entry of entries) {
        // Known by its $id and, like the Python side, by its place in the folder. Every
        // engine holds every schema, so that a $ref across drafts resolves (the target
        // is then read with the referring schema's draft).
        const schema = protoSafe(entry.schema);
        const id = String(schema["$id"] ?? entry.uri).replace(/#$/, "");
        const place = ROOT_URI + pathOf(entry);
        ajv.addSchema(schema, id);
        if (place !== id)
            ajv.addSchema(schema, place);
    }
}
const engines = new Map();
function engine(draft) {
    const key = draft === "7" ? "7" : "2020-12";
    let ajv = engines.get(key);
    if (ajv === undefined) {
        ajv = makeAjv(key, SCHEMAS);
        addSchemas(ajv, SCHEMAS);
        engines.set(key, ajv);
    }
    return ajv;
}
let byPath = null;
function entryFor(path) {
    byPath ??= new Map(SCHEMAS.map((entry) => [pathOf(entry), entry]));
    return byPath.get(path);
}
const contracts = new Map();
/**
 * The contract of a schema file or of a location inside one, e.g.
 * "order/order_created.v1.json" or "common/problem.json#/$defs/ProblemDetails".
 * Compiled on first use, once. Throws UnknownContract when the package has no
 * such schema file.
 */
export function contract(id) {
    const cached = contracts.get(id);
    if (cached !== undefined)
        return cached;
    const hash = id.indexOf("#");
    const path = hash < 0 ? id : id.slice(0, hash);
    const entry = entryFor(path);
    if (entry === undefined)
        throw new UnknownContract(`no contract ${JSON.stringify(id)}`);
    const target = entry.uri + (hash < 0 ? "" : id.slice(hash));
    let validate = null;
    const compiled = () => {
        validate ??= engine(entry.draft).compile({ $ref: target });
        return validate;
    };
    const errors = (value) => {
        const check = compiled();
        return check(value) ? [] : normalise(toViolations(check.errors, value));
    };
    const parse = (value) => {
        const found = errors(value);
        if (found.length)
            throw new ContractViolation(id, found);
        return value;
    };
    const made = Object.freeze({
        id,
        is: (value) => compiled()(value),
        parse,
        errors,
        parseJson: (text, limits) => parse(readJson(id, text, limits)),
    });
    contracts.set(id, made);
    return made;
}
// -- JSON text: limits before parsing ----------------------------------------------------
/** The deepest nesting of arrays and objects in JSON text (strings skipped). */
export function nestingDepth(text) {
    let depth = 0;
    let deepest = 0;
    let inString = false;
    let escaped = false;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c === 0x5c)
                escaped = true;
            else if (c === 0x22)
                inString = false;
        }
        else if (c === 0x22)
            inString = true;
        else if (c === 0x5b || c === 0x7b)
            deepest = Math.max(deepest, ++depth);
        else if (c === 0x5d || c === 0x7d)
            depth -= 1;
    }
    return deepest;
}
/** The size of text as UTF-8, in bytes (a lone surrogate counts as U+FFFD, 3 bytes). */
export function utf8Length(text) {
    return Buffer.byteLength(text, "utf8");
}
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
function readJson(id, data, limits) {
    const maxBytes = limits?.maxBytes ?? DEFAULT_LIMITS.maxBytes;
    const maxDepth = limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth;
    const refuse = (expected, got) => new ContractViolation(id, [{ pointer: "", expected, got }]);
    const size = typeof data === "string" ? utf8Length(data) : data.byteLength;
    if (size > maxBytes)
        throw refuse(`at most ${maxBytes} bytes`, `${size} bytes`);
    let text;
    if (typeof data === "string")
        text = data;
    else {
        try {
            text = UTF8.decode(data);
        }
        catch {
            throw refuse("valid JSON", "text that is not UTF-8");
        }
    }
    const depth = nestingDepth(text);
    if (depth > maxDepth)
        throw refuse(`nesting depth at most ${maxDepth}`, `depth ${depth}`);
    try {
        return JSON.parse(text);
    }
    catch (error) {
        throw refuse("valid JSON", error.message);
    }
}
