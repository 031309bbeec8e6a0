// Runtime of the generated contracts package.
//
// Validates values against the bundled JSON Schemas with Ajv, with the same
// semantics as the Python package's runtime/support: its own format checkers
// (_formats.ts) and `multipleOf` in exact decimal arithmetic. Every error becomes a
// Violation {pointer, expected, got}; ContractViolation carries all of them for one value.
import type AjvModule from "ajv";
import type {
  AnySchemaObject,
  KeywordDefinition,
  Options,
  SchemaValidateFunction,
  ValidateFunction,
} from "ajv";
import { createRequire } from "node:module";
import type Ajv2020Module from "ajv/dist/2020.js";
import { exactCheck, fragmentPointer } from "./_exact.js";
import type { ExactCheck } from "./_exact.js";
import { readJson } from "./_jsontext.js";
import type { Limits } from "./_jsontext.js";
import { FORMATS, isMultiple } from "./_formats.js";
import { precompiled, remembering } from "./_precompiled.js";
import type { Precompiled } from "./_precompiled.js";
import { regExp } from "./_regex.js";
import { reachedFiles } from "./_reach.js";
import { SCHEMAS, type SchemaEntry } from "./_schemas.js";
import { NOT_ASSERTING } from "./_bounds.js";
import { UnionReport } from "./_unions.js";
import { ContractViolation, UnknownContract, besideEnum, normalise, toViolations, wording } from "./_violations.js";
import type { AjvError, Violation } from "./_violations.js";

export {
  FORMATS,
  isDate,
  isDateTime,
  isDuration,
  isEmail,
  isHostname,
  isIpv4,
  isIpv6,
  isMultiple,
  isTime,
  isUri,
  isUuid,
  punycodeDecode,
} from "./_formats.js";
export type { FormatName } from "./_formats.js";
export {
  ContractViolation,
  MAX_VIOLATIONS,
  RuntimeContractError,
  UnknownContract,
  capped,
  omittedLine,
  violationText,
} from "./_violations.js";
export type { Violation, Where } from "./_violations.js";
export { DEFAULT_LIMITS, checkLimits, depthOver, nestingDepth, utf8Length } from "./_jsontext.js";
export type { Limits } from "./_jsontext.js";

// Ajv is CommonJS: its module.exports is the class. It is loaded on the first schema
// compile (about 60 ms): a package import, and a message against a contract with a
// precompiled validator (_precompiled.ts), need none.
type AjvClass = typeof AjvModule.default;
type Ajv2020Class = typeof Ajv2020Module.default;
type AjvInstance = InstanceType<AjvClass>;
const requireModule = createRequire(import.meta.url);
let ajvClasses: { Ajv: AjvClass; Ajv2020: Ajv2020Class } | null = null;

function loadAjv(): { Ajv: AjvClass; Ajv2020: Ajv2020Class } {
  ajvClasses ??= {
    Ajv: requireModule("ajv") as AjvClass,
    Ajv2020: requireModule("ajv/dist/2020.js") as Ajv2020Class,
  };
  return ajvClasses;
}

const ROOT_URI = "file:///schemas/";

function multipleOfKeyword(): KeywordDefinition {
  const validate: SchemaValidateFunction = (divisor: number, data: number): boolean => {
    if (isMultiple(data, divisor)) return true;
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

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

// The keywords of draft 2020-12 and draft-07 (and Ajv's discriminator, which the
// bundle adds). Any other keyword is an annotation.
const KEYWORDS = new Set([
  "$schema", "$id", "$ref", "$anchor", "$dynamicRef", "$dynamicAnchor", "$recursiveRef",
  "$recursiveAnchor", "$vocabulary", "$comment", "$defs", "definitions", "type", "enum",
  "const", "multipleOf", "maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum",
  "maxLength", "minLength", "pattern", "maxItems", "minItems", "uniqueItems", "maxContains",
  "minContains", "maxProperties", "minProperties", "required", "dependentRequired",
  "dependencies", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
  "dependentSchemas", "prefixItems", "items", "additionalItems", "contains", "properties",
  "patternProperties", "additionalProperties", "propertyNames", "unevaluatedItems",
  "unevaluatedProperties", "format", "contentEncoding", "contentMediaType", "contentSchema",
  "title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples",
  "discriminator",
]);

/**
 * The copy of a schema Ajv is given. Ajv skips a property named "__proto__" in
 * `properties` (it then counts as an additional property): the same rule is added as
 * `patternProperties` "^__proto__$", which Ajv does apply. An unknown keyword is an
 * annotation (as on the Python side), but Ajv takes the `$id`s inside it for schema
 * ids: one whose value holds an `$id` is left out of the copy (a `$ref` into an unknown
 * keyword without one still resolves).
 */
function holdsId(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsId);
  if (!isObject(value)) return false;
  return Object.hasOwn(value, "$id") || Object.values(value).some(holdsId);
}

function protoSafe(schema: unknown): unknown {
  if (!isObject(schema)) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema)) {
    if (KEYWORDS.has(key) || !holdsId(value)) out[key] = value;
  }
  for (const key of ONES) if (Object.hasOwn(schema, key)) out[key] = protoSafe(schema[key]);
  for (const key of LISTS) {
    const list = schema[key];
    if (Array.isArray(list)) out[key] = list.map(protoSafe);
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
    out["patternProperties"] = { ...(out["patternProperties"] as Json | undefined), ...extra };
  }
  return out;
}

/** The options every engine is made with (the precompiled validators use the same). */
const AJV_OPTIONS: Options = Object.freeze({
  allErrors: true,
  strict: false,
  validateFormats: true,
  unicodeRegExp: true,
  // Patterns run in re2js (linear time), translated by the compiler: _regex.ts.
  code: { regExp },
  // NaN and Infinity (JSON.parse makes 1e400 Infinity) are no JSON numbers: the
  // Python side refuses 1e400 for a number or an integer too.
  strictNumbers: true,
  // Only a value's own properties count: {} has no "constructor" property.
  ownProperties: true,
  // Unions told apart by a const tag carry `discriminator` (codegen/compiler/bundle.py):
  // only the branch the tag names is validated, and only its errors reported.
  discriminator: true,
  // The compiler has checked every schema (codegen/compiler/vocabulary.py); validating
  // them again against the meta-schemas would only cost start-up time.
  validateSchema: false,
  // No meta-schemas of Ajv's own: those a folder references come with it, as
  // documents the compiler adds (codegen/compiler/metaschemas.py) or as a copy the
  // schema embeds under the same $id (AsyncAPI's), which Ajv's would collide with.
  meta: false,
});

/** A `console` that drops Ajv's warnings about draft-07 keywords beside a $ref. */
function quietLogger(): NonNullable<Options["logger"]> {
  // Draft-07 ignores the keywords beside a $ref (as the Python side does): Ajv's
  // option for it is deprecated and warns on every such $ref, which is intended.
  const quiet = /^(\$ref: keywords ignored|DEPRECATED: option ignoreKeywordsWithRef)/;
  return {
    log: console.log,
    warn: (message: unknown, ...rest: unknown[]) => {
      if (!quiet.test(String(message))) console.warn(message, ...rest);
    },
    error: console.error,
  };
}

/**
 * The `format` values in the schemas that are no format JSON Schema defines (a
 * vendor's "color"): annotations, as on the Python side, so Ajv accepts any string
 * for them. (A property named "format" may be collected too: harmless.)
 */
function unknownFormats(value: unknown, found = new Set<string>()): Set<string> {
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

/** Formats (unknown ones as annotations) and decimal multipleOf, as in Python. */
function configure(ajv: AjvInstance, entries: readonly SchemaEntry[]): AjvInstance {
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
function makeAjv(draft: string, entries: readonly SchemaEntry[], extra: Options = {}): AjvInstance {
  const options = { ...AJV_OPTIONS, ...extra };
  const { Ajv, Ajv2020 } = loadAjv();
  return configure(
    draft === "7"
      ? new Ajv({ ...options, ignoreKeywordsWithRef: true, logger: quietLogger() } as Options)
      : new Ajv2020(options),
    entries,
  );
}

/** The place of a bundled schema below the schemas folder. */
const pathOf = (entry: SchemaEntry): string =>
  entry.path ?? (entry.uri.startsWith(ROOT_URI) ? entry.uri.slice(ROOT_URI.length) : entry.uri);

/** Adds every bundled schema to `ajv`, by its $id and by its place in the folder. */
function addSchemas(ajv: AjvInstance, entries: readonly SchemaEntry[]): void {
  for (const entry of entries) {
    // Known by its $id and, like the Python side, by its place in the folder. Every
    // engine holds every schema, so that a $ref across drafts resolves (the target
    // is then read with the referring schema's draft).
    const schema = protoSafe(entry.schema) as AnySchemaObject;
    const id = String(schema["$id"] ?? entry.uri).replace(/#$/, "");
    const place = ROOT_URI + pathOf(entry);
    ajv.addSchema(schema, id);
    if (place !== id) ajv.addSchema(schema, place);
  }
}

interface Engine {
  readonly ajv: AjvInstance;
  /** The schema files added so far, by path. */
  readonly added: Set<string>;
}

const engines = new Map<string, Engine>();

/**
 * The Ajv instance of a draft, holding at least the schema files `paths` (every one
 * when null). Files are added as contracts need them, so the first validation of a
 * contract costs its own files, not the whole package's.
 */
function engine(draft: string, paths: readonly string[] | null): AjvInstance {
  const key = draft === "7" ? "7" : "2020-12";
  let found = engines.get(key);
  if (found === undefined) {
    found = { ajv: makeAjv(key, []), added: new Set() };
    engines.set(key, found);
  }
  const wanted = paths === null ? SCHEMAS : paths.flatMap((path) => entryFor(path) ?? []);
  const fresh = wanted.filter((entry) => !found.added.has(pathOf(entry)));
  if (fresh.length) {
    for (const name of unknownFormats(fresh.map((entry) => entry.schema))) {
      if (!Object.hasOwn(found.ajv.formats, name)) found.ajv.addFormat(name, true);
    }
    addSchemas(found.ajv, fresh);
    for (const entry of fresh) found.added.add(pathOf(entry));
  }
  return found.ajv;
}

/**
 * The schema files a contract id can reach (those its file reaches), or null (every
 * file) when the manifest does not know the file.
 */
function documentsOf(id: string): readonly string[] | null {
  return reachedFiles(id.split("#")[0] as string);
}

let byPath: Map<string, SchemaEntry> | null = null;

function entryFor(path: string): SchemaEntry | undefined {
  byPath ??= new Map(SCHEMAS.map((entry) => [pathOf(entry), entry]));
  return byPath.get(path);
}

/** Validation against one contract (compiled on first use). */
export interface Contract<T = unknown> {
  /** The schema path, with a fragment for a definition inside the file. */
  readonly id: string;
  /** Whether `value` satisfies the contract. */
  is(value: unknown): value is T;
  /** `value` itself, or throws ContractViolation listing every error. */
  parse(value: unknown): T;
  /** Every violation of `value` (none when it satisfies the contract). */
  errors(value: unknown): Violation[];
  /** JSON text (limits checked before parsing) as T, or throws ContractViolation. */
  parseJson(text: string | Uint8Array, limits?: Limits): T;
}

const contracts = new Map<string, Contract>();

/** A compiled contract: Ajv's validate function, or _exact.ts's. */
type Check = ValidateFunction | ExactCheck;

/**
 * The validator of the location `pointer` of file `path` (the contract `id`'s
 * files known to it): Ajv's, or cfworker's for a file marked so.
 */
function compileAt(entry: SchemaEntry, pointer: string, id: string, ref: string): Check {
  const paths = documentsOf(id);
  if (entry.engine !== "cfworker") return engine(entry.draft, paths).compile({ $ref: ref });
  return exactCheck(entry, paths === null ? SCHEMAS : paths.flatMap((p) => entryFor(p) ?? []), pointer);
}

// -- precompiled validators (_precompiled.ts) ---------------------------------------------

let usePrecompiled = true;

/**
 * The precompiled validator of contract or location `id` (of schema file `path`), or
 * null; none where the file's engine is cfworker (the validators agree with Ajv).
 */
function precompiledOf(path: string, id: string): Precompiled | null {
  const entry = entryFor(path);
  if (!usePrecompiled || entry === undefined || entry.engine === "cfworker") return null;
  return precompiled(path, entry.checks === true, id.includes("#") ? id : `${id}#`);
}

/**
 * For tests: the precompiled validator's verdict on `value` (null when the contract has
 * none) and Ajv's, and the violations the runtime reports with it and with Ajv alone
 * (null: none precompiled). They must agree.
 */
export function verdicts(
  id: string,
  value: unknown,
): { precompiled: boolean | null; ajv: boolean; mine: Violation[] | null; theirs: Violation[] } {
  const check = precompiledOf(id.split("#")[0] as string, id);
  const mine = check === null ? null : contract(id).errors(value);
  usePrecompiled = false;
  try {
    const theirs = contract(id).errors(value);
    return { precompiled: check === null ? null : check(value), ajv: ajvIs(id, value), mine, theirs };
  } finally {
    usePrecompiled = true;
  }
}

const ajvChecks = new Map<string, ValidateFunction>();

function ajvIs(id: string, value: unknown): boolean {
  let check = ajvChecks.get(id);
  if (check === undefined) {
    const hash = id.indexOf("#");
    const entry = entryFor(hash < 0 ? id : id.slice(0, hash)) as SchemaEntry;
    const target = entry.uri + (hash < 0 ? "" : id.slice(hash));
    check = engine(entry.draft, documentsOf(id)).compile({ $ref: target });
    ajvChecks.set(id, check);
  }
  return check(value);
}

// -- failing unions explained (_unions.ts) ------------------------------------------------

const FRAGMENT_UNSAFE = /[^A-Za-z0-9_.\-~/$!&'()*+,;=:@]/gu;
const located = new Map<string, Check>();

/**
 * The violations of `value` against the schema at `path#pointer`, unexplained, in no
 * order and maybe repeated (the union report counts and sorts them as a set).
 */
function locationErrors(path: string, pointer: string, value: unknown): Violation[] {
  const id = `${path}#${pointer}`;
  const fn = precompiledOf(path, id);
  if (fn !== null) {
    const raw: AjvError[] = [];
    return fn(value, "", raw) ? [] : toViolations(raw, value);
  }
  let check = located.get(id);
  if (check === undefined) {
    const entry = entryFor(path) as SchemaEntry;
    const fragment = pointer.replace(FRAGMENT_UNSAFE, (c) => encodeURIComponent(c));
    check = compileAt(entry, pointer, path, `${entry.uri}#${fragment}`);
    located.set(id, check);
  }
  return check(value) ? [] : toViolations(check.errors, value);
}

/** Whether `value` fails the schema at `path#pointer` by its precompiled function,
 * asked for no errors (null without one). */
function locationFails(path: string, pointer: string, value: unknown): boolean | null {
  const fn = precompiledOf(path, `${path}#${pointer}`);
  return fn === null ? null : !fn(value);
}

let unionReport: UnionReport | null = null;
let plain = false;

/**
 * For tests (tests/test_union_prune_node.py): `run()` with the union report's
 * shortcuts off: every branch's violations asked for, every value walked, nothing
 * remembered while a message is worded. The words must be the same.
 */
export function plainly<T>(run: () => T): T {
  const report = unions();
  const outer = { plain, skips: report.skips, rulesOut: report.rulesOut, floors: report.floors };
  plain = true;
  report.skips = false;
  report.rulesOut = false;
  report.floors = false;
  try {
    return run();
  } finally {
    plain = outer.plain;
    report.skips = outer.skips;
    report.rulesOut = outer.rulesOut;
    report.floors = outer.floors;
  }
}

/**
 * For tests (tests/test_union_prune_node.py): `run()` with every branch a closest one
 * is picked from asked for its errors, and each such branch's [floor, members in
 * error] (_bounds.ts: the floor is never above the count).
 */
export function auditFloors<T>(run: () => T): [T, [number, number][]] {
  const report = unions();
  const outer = report.audit;
  const found: [number, number][] = [];
  report.audit = found;
  try {
    return [run(), found];
  } finally {
    report.audit = outer;
  }
}

/**
 * For tests: whether the union report rules out the schema at `path#pointer` for
 * `value` without a validation, and if so, the violations a validation finds there.
 */
export function ruledOut(
  path: string,
  pointer: string,
  value: unknown,
): { doomed: boolean; violations: Violation[] | null } {
  const doomed = unions().doomed(path, pointer, value);
  return { doomed, violations: doomed ? normalise(locationErrors(path, pointer, value)) : null };
}

function unions(): UnionReport {
  unionReport ??= new UnionReport(
    // Each schema file is parsed when the report first reads it.
    (path) => entryFor(path)?.schema,
    new Map(SCHEMAS.map((entry) => [pathOf(entry), String(entry.draft)])),
    new Map(SCHEMAS.map((entry) => [entry.uri.replace(/#$/, ""), pathOf(entry)])),
    locationErrors,
    locationFails,
    unionAt,
  );
  return unionReport;
}

/**
 * For a contract whose schema is one oneOf or anyOf and nothing else that asserts (the
 * webhook root: a oneOf of 66 events), the error its validator reports for the union
 * itself; null for any other schema. The union report explains such a union from its
 * branches alone: all the branch errors the validator reports with the union's (every
 * failing branch's, for the 66 events 685 errors) are noise it removes, so the message's
 * violations are found from this error alone, with the branches validated only where
 * the report needs their errors (the branch meant, those `doomed` does not rule out).
 * The words are the same (tests/test_union_prune_node.py compares them with the
 * words from the validator's own errors, `plainly`); a first refusal validates and words 66 events once, not twice.
 */
function unionSummary(path: string, pointer: string): AjvError | null {
  const schema = unions().schema(path, pointer);
  if (schema === null || typeof schema !== "object" || Array.isArray(schema)) return null;
  const asserting = Object.keys(schema).filter((key) => !NOT_ASSERTING.has(key));
  const keyword = asserting.length === 1 ? asserting[0] : undefined;
  const union = keyword === undefined ? undefined : (schema as Record<string, unknown>)[keyword];
  return (keyword === "oneOf" || keyword === "anyOf") && Array.isArray(union) ? summaryOf(keyword) : null;
}

const summaryOf = (keyword: string): AjvError =>
  keyword === "oneOf"
    ? { keyword, instancePath: "", params: { passingSchemas: null }, message: "must match exactly one schema in oneOf" }
    : { keyword, instancePath: "", params: {}, message: "must match a schema in anyOf" };

/** The union report's `brief` (_union_walk.ts): the same for a branch whose schema is a
 * union alone (_bounds.ts: a webhook event, a oneOf of its actions, a type and a
 * discriminator beside it), for an object: its branches are left to the report. */
function unionAt(path: string, pointer: string, value: unknown): Violation[] | null {
  if (plain || value === null || typeof value !== "object" || Array.isArray(value)) return null;
  const fn = precompiledOf(path, `${path}#${pointer}`);
  const keyword = fn === null ? null : unions().alone(path, pointer);
  if (fn === null || keyword === null) return null;
  return fn(value) ? [] : toViolations([summaryOf(keyword)], value);
}

/**
 * For tests: whether contract `id`'s refusals are worded from its union's own error
 * (unionSummary), its branches left to the union report.
 */
export function unionAlone(id: string): boolean {
  const hash = id.indexOf("#");
  return unionSummary(hash < 0 ? id : id.slice(0, hash), hash < 0 ? "" : id.slice(hash + 1)) !== null;
}

/**
 * The contract of a schema file or of a location inside one, e.g.
 * "order/order_created.v1.json" or "common/problem.json#/$defs/ProblemDetails".
 * Compiled on first use, once. Throws UnknownContract when the package has no
 * such schema file.
 */
export function contract<T = unknown>(id: string): Contract<T> {
  const cached = contracts.get(id);
  if (cached !== undefined) return cached as Contract<T>;
  const hash = id.indexOf("#");
  const path = hash < 0 ? id : id.slice(0, hash);
  const entry = entryFor(path);
  if (entry === undefined) throw new UnknownContract(`no contract ${JSON.stringify(id)}`);
  const target = entry.uri + (hash < 0 ? "" : id.slice(hash));
  const pointer = hash < 0 ? "" : id.slice(hash + 1);
  let validate: Check | null = null;
  const compiled = (): Check => {
    validate ??= compileAt(entry, fragmentPointer(pointer), id, target);
    return validate;
  };
  let known: Precompiled | null | undefined;
  let summary: AjvError | null | undefined;
  const check = (): Precompiled | null =>
    usePrecompiled ? (known === undefined ? (known = precompiledOf(path, id)) : known) : null;
  const errors = (value: unknown): Violation[] => {
    const fn = check();
    if (fn !== null) {
      if (fn(value)) return [];
      const worded = (): Violation[] => {
        const raw: AjvError[] = [];
        // A union alone (unionSummary): its own error, its branches left to the report.
        if (summary === undefined) summary = unionSummary(path, pointer);
        if (summary !== null && !plain) raw.push({ ...summary });
        else if (fn(value, "", raw)) return [];
        // What locationErrors gives at the contract's location, sorted once at the end.
        const found = toViolations(raw, value);
        return normalise(besideEnum(unions().rewrite(path, pointer, value, found, plain ? undefined : found)));
      };
      // Each union branch's errors (_precompiled.ts) and each error's words are
      // remembered while the violations are found and the union report asks for
      // them again.
      return plain ? worded() : remembering(() => wording(worded));
    }
    const validate = compiled();
    if (validate(value)) return [];
    const found = normalise(toViolations(validate.errors, value));
    return normalise(besideEnum(unions().rewrite(path, pointer, value, found)));
  };
  const parse = (value: unknown): T => {
    const found = errors(value);
    if (found.length) throw new ContractViolation(id, found);
    return value as T;
  };
  const made: Contract<T> = Object.freeze({
    id,
    is: (value: unknown): value is T => {
      const fn = check();
      return fn !== null ? fn(value) : compiled()(value);
    },
    parse,
    errors,
    parseJson: (text: string | Uint8Array, limits?: Limits): T =>
      parse(readJson(id, text, limits)),
  });
  contracts.set(id, made as Contract);
  return made;
}
