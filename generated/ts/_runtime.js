// Runtime of the generated contracts package (copied verbatim by `contracts generate`).
//
// Validates values against the bundled JSON Schemas with Ajv, with the same
// semantics as the Python package's _support.py: its own format checkers (ported
// rule for rule, so Python and Node give the same verdict on every string) and
// `multipleOf` in exact decimal arithmetic. Every error becomes a Violation
// {pointer, expected, got}; ContractViolation carries all of them for one value.
import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020.js";
import { isHostname } from "./_hostname.js";
import {
  idnEmail,
  isIdnHostname,
  isJsonPointer,
  isRegex,
  isRelativeJsonPointer,
  isUriTemplate,
  referenceFormats,
} from "./_formats_extra.js";
import { regExp } from "./_regex.js";
import { SCHEMAS } from "./_schemas.js";

const ROOT_URI = "file:///schemas/";
export const DEFAULT_LIMITS = Object.freeze({ maxBytes: 1 << 20, maxDepth: 64 });

// -- formats: ports of is_* in _support.py -----------------------------------------
//
// Anchored JS regexes match the whole string (no Python-style match before a
// final "\n"): _support.py uses fullmatch or an explicit newline guard to agree.
function pyMatch(re, s) {
  return re.exec(s);
}

const isAscii = (s) => /^[\x00-\x7f]*$/.test(s);
const mod = (a, n) => ((a % n) + n) % n;

const DATE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;
const TIME = /^([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?([Zz]|([+-])([0-9]{2}):([0-9]{2}))$/;
const DUR_TIME = "T(?:[0-9]+H(?:[0-9]+M(?:[0-9]+S)?)?|[0-9]+M(?:[0-9]+S)?|[0-9]+S)";
const DURATION = new RegExp(
  "^P(?:(?:[0-9]+Y(?:[0-9]+M(?:[0-9]+D)?)?|[0-9]+M(?:[0-9]+D)?|[0-9]+D)" +
    `(?:${DUR_TIME})?|${DUR_TIME}|[0-9]+W)$`,
);
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
const IPV4 = new RegExp(`^(?:${OCTET}\\.){3}${OCTET}$`);
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const LOCAL = new RegExp(
  `^(?:${ATEXT}+(?:\\.${ATEXT}+)*` +
    '|"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\x20-\\x7e])*")$',
);
const UNRESERVED = "A-Za-z0-9\\-._~";
const SUB_DELIMS = "!$&'()*+,;=";
const PCT = "%[0-9A-Fa-f]{2}";
const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT})`;
const URI = new RegExp(
  "^[A-Za-z][A-Za-z0-9+.\\-]*:" +
    `(?://(?:(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT})*@)?` +
    `(?<host>\\[[0-9A-Fa-f:.vV\\-${UNRESERVED}${SUB_DELIMS}]*\\]` +
    `|(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT})*)` +
    "(?::[0-9]*)?" +
    `(?:/${PCHAR}*)*` +
    `|/?(?:${PCHAR}+(?:/${PCHAR}*)*)?)` +
    `(?:\\?(?:${PCHAR}|[/?])*)?` +
    `(?:#(?:${PCHAR}|[/?])*)?$`,
);

function daysInMonth(year, month) {
  if (month === 2) {
    return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

export function isDate(value) {
  const m = DATE.exec(value);
  if (!m) return false;
  const [year, month, day] = [m[1], m[2], m[3]].map(Number);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function isTime(value) {
  const m = TIME.exec(value);
  if (!m) return false;
  const [hour, minute, second] = [m[1], m[2], m[3]].map(Number);
  const [offH, offM] = m[6] ? [Number(m[7]), Number(m[8])] : [0, 0];
  if (hour > 23 || minute > 59 || second > 60 || offH > 23 || offM > 59) return false;
  if (second === 60) {
    // A leap second is 23:59:60 in UTC only.
    const sign = m[6] === "-" ? -1 : 1;
    return mod(hour * 60 + minute - sign * (offH * 60 + offM), 24 * 60) === 23 * 60 + 59;
  }
  return true;
}

export function isDateTime(value) {
  const at = value.indexOf(value.includes("T") ? "T" : "t");
  return at >= 0 && isDate(value.slice(0, at)) && isTime(value.slice(at + 1));
}

export { isHostname, punycodeDecode } from "./_hostname.js";
export const isDuration = (value) => DURATION.test(value);
export const isUuid = (value) => UUID.test(value);
export const isIpv4 = (value) => IPV4.test(value);

// Python's str.strip() on ASCII text: \t \n \v \f \r, \x1c-\x1f and space.
const PY_SPACE = /^[\t\n\x0b\x0c\r\x1c-\x1f ]|[\t\n\x0b\x0c\r\x1c-\x1f ]$/;
const HEXTET = /^[0-9A-Fa-f]{1,4}$/;

/** ipaddress.IPv6Address's parser (CPython 3.11), after _support.py's guards. */
export function isIpv6(value) {
  if (!isAscii(value) || value.includes("%") || PY_SPACE.test(value)) return false;
  if (value.includes(".") && !isIpv4(value.slice(value.lastIndexOf(":") + 1))) {
    return false;
  }
  if (!value || value.includes("/")) return false;
  const parts = value.split(":");
  if (parts.length < 3) return false;
  if (parts[parts.length - 1].includes(".")) {
    // An IPv4 suffix (already checked above) stands for two hextets.
    parts.splice(parts.length - 1, 1, "0", "0");
  }
  if (parts.length > 9) return false;
  let skip = -1;
  for (let i = 1; i < parts.length - 1; i++) {
    if (!parts[i]) {
      if (skip >= 0) return false; // at most one "::"
      skip = i;
    }
  }
  let hi = parts.length;
  let lo = 0;
  if (skip >= 0) {
    hi = skip;
    lo = parts.length - skip - 1;
    if (!parts[0] && --hi) return false; // a leading ":" only as part of "::"
    if (!parts[parts.length - 1] && --lo) return false; // a trailing one too
    if (8 - (hi + lo) < 1) return false;
  } else if (parts.length !== 8 || !parts[0] || !parts[parts.length - 1]) {
    return false;
  }
  const used = [...parts.slice(0, hi), ...parts.slice(parts.length - lo)];
  return used.every((p) => HEXTET.test(p));
}

export function isEmail(value) {
  const at = value.lastIndexOf("@");
  const local = value.slice(0, Math.max(at, 0));
  const domain = value.slice(at + 1);
  if (at < 0 || !local || !domain || !pyMatch(LOCAL, local)) return false;
  if (domain.startsWith("[") && domain.endsWith("]")) {
    const literal = domain.slice(1, -1);
    if (literal.slice(0, 5).toLowerCase() === "ipv6:") return isIpv6(literal.slice(5));
    return isIpv4(literal);
  }
  return isHostname(domain);
}

const IPVFUTURE = /^[vV][0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+$/;

export function isUri(value) {
  const m = URI.exec(value);
  if (!m) return false;
  const host = m.groups.host;
  if (host && host.startsWith("[")) {
    const inner = host.slice(1, -1);
    if (inner.startsWith("v") || inner.startsWith("V")) return IPVFUTURE.test(inner);
    return isIpv6(inner);
  }
  return true;
}

/** The asserted formats, by name: the same table as _support.py's FORMATS. */
export const FORMATS = Object.freeze({
  date: isDate,
  "date-time": isDateTime,
  duration: isDuration,
  email: isEmail,
  hostname: isHostname,
  "idn-email": idnEmail(isIpv4, isIpv6),
  "idn-hostname": isIdnHostname,
  ipv4: isIpv4,
  ipv6: isIpv6,
  "json-pointer": isJsonPointer,
  regex: isRegex,
  "relative-json-pointer": isRelativeJsonPointer,
  time: isTime,
  uri: isUri,
  "uri-template": isUriTemplate,
  uuid: isUuid,
  ...referenceFormats(isIpv6),
});

// -- multipleOf in decimal arithmetic ------------------------------------------------

function decimal(x) {
  // The shortest round-trip text of a double (like Python's repr) as m * 10**e.
  const m = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:e([+-]?[0-9]+))?$/.exec(String(x));
  const fraction = m[3] ?? "";
  const mantissa = BigInt(m[1] + m[2] + fraction);
  return [mantissa, Number(m[4] ?? 0) - fraction.length];
}

/**
 * Whether `value / divisor` is an integer, on the decimals the JSON text wrote:
 * 19.99 is a multiple of 0.01 although binary floating point says otherwise.
 */
export function isMultiple(value, divisor) {
  if (!Number.isFinite(value) || !Number.isFinite(divisor) || divisor === 0) {
    return false;
  }
  const [a, ea] = decimal(value);
  const [b, eb] = decimal(divisor);
  const e = Math.min(ea, eb);
  return (a * 10n ** BigInt(ea - e)) % (b * 10n ** BigInt(eb - e)) === 0n;
}

function multipleOfKeyword() {
  const validate = (divisor, data) => {
    if (isMultiple(data, divisor)) return true;
    const message = `must be multiple of ${divisor}`; // a fresh error: Ajv completes it
    validate.errors = [{ keyword: "multipleOf", message, params: { multipleOf: divisor } }];
    return false;
  };
  return { keyword: "multipleOf", type: "number", schemaType: "number", errors: true, validate };
}

// -- violations ----------------------------------------------------------------------

/** JSON text like Python's json.dumps(sort_keys=True, ensure_ascii=False). */
function pyJson(value) {
  if (typeof value === "number" && !Number.isFinite(value)) {
    return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
  }
  if (Array.isArray(value)) return `[${value.map(pyJson).join(", ")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort(compareCodePoints);
    return `{${keys.map((k) => `${JSON.stringify(k)}: ${pyJson(value[k])}`).join(", ")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** A short JSON rendering of an offending value (runtime/_pointer.py's show). */
function show(value) {
  const chars = Array.from(pyJson(value));
  return chars.length > 80 ? `${chars.slice(0, 77).join("")}...` : chars.join("");
}

function compareCodePoints(a, b) {
  const x = Array.from(a, (c) => c.codePointAt(0));
  const y = Array.from(b, (c) => c.codePointAt(0));
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    if (x[i] !== y[i]) return x[i] - y[i];
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

const TYPES = { integer: "an integer", string: "a string", number: "a number",
  boolean: "a boolean", null: "null", array: "an array", object: "an object" };

// Keywords whose error has params.limit: the phrase, with N for the limit.
const LIMITS = { minLength: "at least N character(s)", maxLength: "at most N character(s)",
  minItems: "at least N item(s)", maxItems: "at most N item(s)", items: "at most N item(s)",
  additionalItems: "at most N item(s)", unevaluatedItems: "at most N item(s)",
  minProperties: "at least N properties", maxProperties: "at most N properties",
  minimum: "a number >= N", maximum: "a number <= N", exclusiveMinimum: "a number > N",
  exclusiveMaximum: "a number < N" };

/** One Ajv error as a Violation, or null for a summary that adds nothing. */
function describeError(e, instance) {
  const p = e.params ?? {};
  const here = e.instancePath;
  const child = (key) => `${here}/${escapeToken(key)}`;
  const found = (expected) => ({ pointer: here, expected, got: show(at(instance, here)) });
  const missing = (key, expected) => ({ pointer: child(key), expected, got: "nothing" });
  if (e.propertyName !== undefined) {
    // An error of a propertyNames subschema: about the name, not the object.
    const name = e.propertyName;
    const inner = describeError({ ...e, instancePath: "", propertyName: undefined }, name);
    const expected = `${inner?.expected} (as a property name)`;
    return inner && { pointer: child(name), expected, got: inner.got };
  }
  switch (e.keyword) {
    case "type": {
      const types = Array.isArray(p.type) ? p.type : String(p.type).split(",");
      return found(types.map((t) => TYPES[t] ?? t).join(" or "));
    }
    case "required":
      return missing(p.missingProperty, "a required property");
    case "dependentRequired":
    case "dependencies":
      return missing(p.missingProperty, `a required property (${p.property} is present)`);
    case "additionalProperties":
    case "unevaluatedProperties": {
      const key = p.additionalProperty ?? p.unevaluatedProperty;
      const expected = `no such property (${e.keyword} is false)`;
      return { pointer: child(key), expected, got: show(at(instance, child(key))) };
    }
    case "propertyNames":
      return null; // its subschema's errors, reported above, say why
    case "format":
      return found(`a valid ${p.format} string`);
    case "pattern":
      return found(`a string matching ${p.pattern}`);
    case "enum":
      return found(`one of ${p.allowedValues.map(show).join(", ")}`);
    case "const":
      return found(`one of ${show(p.allowedValue)}`);
    case "multipleOf":
      return found(`a multiple of ${p.multipleOf}`);
    case "uniqueItems":
      return found(`unique items (item ${Math.max(p.i, p.j)} repeats)`);
    case "discriminator": {
      if (p.error === "tag" && p.tagValue === undefined) {
        return missing(p.tag, "a required property");
      }
      const expected = p.error === "tag" ? "a string" : `a "${p.tag}" tag of one of the branches`;
      return { pointer: child(p.tag), expected, got: show(p.tagValue) };
    }
    case "false schema":
      return found("no value at all (the schema is false)");
    default:
      if (Object.hasOwn(LIMITS, e.keyword) && p.limit !== undefined) {
        return found(LIMITS[e.keyword].replace("N", String(p.limit)));
      }
      return found(`${e.keyword}: ${e.message}`);
  }
}

// Ajv's summaries of a failed anyOf or if/then add nothing to the errors it reports
// inside them (the Python runtime reports those alone): kept only when alone.
const SUMMARIES = new Set(["anyOf", "if"]);

function toViolations(errors, instance) {
  const list = errors ?? [];
  const inner = (e) =>
    list.some((o) => o !== e && !SUMMARIES.has(o.keyword) &&
      (o.instancePath === e.instancePath || o.instancePath.startsWith(`${e.instancePath}/`)));
  return list
    .filter((e) => !SUMMARIES.has(e.keyword) || !inner(e))
    .map((e) => describeError(e, instance))
    .filter((v) => v !== null);
}

/** Sorted (by pointer, expected, got) and without duplicates, like the Python runtime. */
function normalise(violations) {
  const seen = new Map();
  for (const { pointer, expected, got } of violations) {
    const v = { pointer: String(pointer), expected: String(expected), got: String(got) };
    seen.set(JSON.stringify([v.pointer, v.expected, v.got]), Object.freeze(v));
  }
  const order = (a, b) =>
    compareCodePoints(a.pointer, b.pointer) ||
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
export class UnknownContract extends RuntimeContractError {}

/** A value does not satisfy its contract; `violations` lists every error. */
export class ContractViolation extends RuntimeContractError {
  constructor(contract, violations, where = {}) {
    const sorted = normalise(violations);
    const place = Object.keys(where)
      .sort(compareCodePoints)
      .map((k) => ` ${k}=${where[k]}`)
      .join("");
    const lines = sorted.map((v) => `  ${v.pointer || "/"}: expected ${v.expected}, got ${v.got}`);
    super([`${contract}${place}: ${sorted.length} violation(s)`, ...lines].join("\n"));
    this.contract = contract;
    this.violations = Object.freeze(sorted);
    this.where = Object.freeze({ ...where });
  }

  toJSON() {
    return { contract: this.contract, where: this.where, violations: this.violations };
  }
}

// -- Ajv engines and contracts ---------------------------------------------------------

// Where subschemas are: maps of them, single ones, lists of them (any draft).
const MAPS = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas",
  "dependencies"];
const ONES = ["not", "if", "then", "else", "contains", "propertyNames", "additionalProperties",
  "unevaluatedProperties", "unevaluatedItems", "additionalItems", "items"];
const LISTS = ["allOf", "anyOf", "oneOf", "prefixItems", "items"];

/**
 * Ajv skips a property named "__proto__" in `properties` (it then counts as an
 * additional property): a copy of the schema where the same rule is added as
 * `patternProperties` "^__proto__$", which Ajv does apply.
 */
function protoSafe(schema) {
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return schema;
  const out = { ...schema };
  for (const key of ONES) if (Object.hasOwn(schema, key)) out[key] = protoSafe(schema[key]);
  for (const key of LISTS) if (Array.isArray(schema[key])) out[key] = schema[key].map(protoSafe);
  for (const key of MAPS) {
    const map = schema[key];
    if (map !== null && typeof map === "object" && !Array.isArray(map)) {
      out[key] = Object.fromEntries(Object.entries(map).map(([k, v]) => [k, protoSafe(v)]));
    }
  }
  if (out.properties && Object.hasOwn(out.properties, "__proto__")) {
    const extra = { "^__proto__$": out.properties.__proto__ };
    out.patternProperties = { ...out.patternProperties, ...extra };
  }
  return out;
}

/**
 * The `format` values in the schemas that are no format JSON Schema defines (a
 * vendor's "color"): annotations, as on the Python side, so Ajv accepts any string
 * for them. (A property named "format" may be collected too: harmless.)
 */
function unknownFormats(value, found = new Set()) {
  if (Array.isArray(value)) {
    for (const item of value) unknownFormats(item, found);
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) {
      if (key === "format" && typeof item === "string" && !Object.hasOwn(FORMATS, item)) {
        found.add(item);
      } else {
        unknownFormats(item, found);
      }
    }
  }
  return found;
}

let engines = null;

function engine(draft) {
  if (engines === null) {
    const options = {
      allErrors: true,
      strict: false,
      validateFormats: true,
      unicodeRegExp: true,
      // Patterns run in re2js (linear time), translated by the compiler: _regex.js.
      code: { regExp },
      // Only a value's own properties count: {} has no "constructor" property.
      ownProperties: true,
      // Unions told apart by a const tag carry `discriminator` (codegen/bundle.py):
      // only the branch the tag names is validated, and only its errors reported.
      discriminator: true,
      // The compiler has checked every schema (codegen/vocabulary.py); validating
      // them again against the meta-schemas would only cost start-up time.
      validateSchema: false,
    };
    // Draft-07 ignores the keywords beside a $ref (as the Python side does): Ajv's
    // option for it is deprecated and warns on every such $ref, which is intended.
    const quiet = /^(\$ref: keywords ignored|DEPRECATED: option ignoreKeywordsWithRef)/;
    const logger = {
      log: console.log,
      warn: (message, ...rest) => quiet.test(String(message)) || console.warn(message, ...rest),
      error: console.error,
    };
    const made = {
      "2020-12": new Ajv2020(options),
      7: new Ajv({ ...options, ignoreKeywordsWithRef: true, logger }),
    };
    for (const ajv of Object.values(made)) {
      for (const [name, validate] of Object.entries(FORMATS)) {
        ajv.addFormat(name, { type: "string", validate });
      }
      for (const name of unknownFormats(SCHEMAS.map((entry) => entry.schema))) {
        ajv.addFormat(name, true);
      }
      ajv.removeKeyword("multipleOf");
      ajv.addKeyword(multipleOfKeyword());
    }
    for (const entry of SCHEMAS) {
      // Known by its $id and, like the Python side, by its place in the folder. Every
      // engine holds every schema, so that a $ref across drafts resolves (the target
      // is then read with the referring schema's draft).
      const schema = protoSafe(entry.schema);
      const id = String(schema.$id ?? entry.uri).replace(/#$/, "");
      const place = ROOT_URI + pathOf(entry);
      for (const ajv of Object.values(made)) {
        // An official meta-schema the folder reaches (json-schema.org/...) may be
        // one Ajv already holds: the same document, so Ajv's copy serves.
        const held = Boolean(ajv.schemas[id] || ajv.refs[id]);
        if (!held) ajv.addSchema(schema, id);
        if (place !== id) ajv.addSchema(held ? { $ref: id } : schema, place);
      }
    }
    engines = made;
  }
  return engines[draft === "7" ? 7 : "2020-12"];
}

let byPath = null;
const pathOf = (entry) =>
  entry.path ?? (entry.uri.startsWith(ROOT_URI) ? entry.uri.slice(ROOT_URI.length) : entry.uri);

function entryFor(path) {
  byPath ??= new Map(SCHEMAS.map((entry) => [pathOf(entry), entry]));
  return byPath.get(path);
}

const contracts = new Map();

/**
 * The contract of a schema file or of a location inside one, e.g.
 * "order/order_created.v1.json" or "common/problem.json#/$defs/ProblemDetails".
 * Compiled on first use, once.
 */
export function contract(id) {
  const cached = contracts.get(id);
  if (cached !== undefined) return cached;
  const hash = id.indexOf("#");
  const path = hash < 0 ? id : id.slice(0, hash);
  const entry = entryFor(path);
  if (entry === undefined) throw new UnknownContract(`no contract ${JSON.stringify(id)}`);
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
    if (found.length) throw new ContractViolation(id, found);
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

function utf8Length(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c < 0xdc00 && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4; // a surrogate pair: one code point of four bytes
      i += 1;
    } else n += 3;
  }
  return n;
}

/** The deepest nesting of arrays and objects in JSON text (strings skipped). */
export function nestingDepth(text) {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (c === 0x5c) escaped = true;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth -= 1;
  }
  return deepest;
}

const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function readJson(id, data, limits) {
  const maxBytes = limits?.maxBytes ?? DEFAULT_LIMITS.maxBytes;
  const maxDepth = limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth;
  const refuse = (expected, got) => new ContractViolation(id, [{ pointer: "", expected, got }]);
  let text = data;
  const size = typeof data === "string" ? utf8Length(data) : data.byteLength;
  if (size > maxBytes) throw refuse(`at most ${maxBytes} bytes`, `${size} bytes`);
  if (typeof data !== "string") {
    try {
      text = UTF8.decode(data);
    } catch {
      throw refuse("valid JSON", "text that is not UTF-8");
    }
  }
  const depth = nestingDepth(text);
  if (depth > maxDepth) throw refuse(`nesting depth at most ${maxDepth}`, `depth ${depth}`);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw refuse("valid JSON", error.message);
  }
}
