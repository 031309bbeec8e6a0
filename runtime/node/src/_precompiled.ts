// The precompiled validators `contracts generate` writes (codegen/typescript/validators.py)
// into `_checks/<schema file>.cjs`, and the functions they call: the runtime's own
// formats, patterns and decimal numbers, and Ajv's own equality and string length.
//
// A validator `v(value)` answers whether the value is valid, as Ajv (configured as the
// runtime configures it) would; `v(value, path, errors)` also pushes Ajv's error
// objects for an invalid value (keyword, instancePath, params, message, propertyName),
// which _violations.ts words. A file's module holds the validators of that file's
// locations; it is read (synchronously, once) on the first validation of one of its
// contracts or the first call into it from another file's, so importing the package
// reads none. Its functions' text is in `_checks/<schema file>.functions.js`: each is
// compiled on its first call (codegen/typescript/validators.py's _LAZY).
import { createRequire } from "node:module";
import equalModule from "ajv/dist/runtime/equal.js";
import ucs2lengthModule from "ajv/dist/runtime/ucs2length.js";
import { FORMATS, isMultiple } from "./_formats.js";
import { regExp } from "./_regex.js";
import type { LinearRegExp } from "./_regex.js";
import type { AjvError } from "./_violations.js";

/** A precompiled validator of one schema location. */
export type Precompiled = (value: unknown, path?: string, errors?: AjvError[]) => boolean;

const requireModule = createRequire(import.meta.url);
const ucs2length = (ucs2lengthModule as unknown as { default: (s: string) => number }).default;
const equal = (equalModule as unknown as { default: (a: unknown, b: unknown) => boolean }).default;
const hasOwn = Object.prototype.hasOwnProperty;

const TYPES: Readonly<Record<string, (v: unknown) => boolean>> = {
  string: (v) => typeof v === "string",
  number: (v) => typeof v === "number" && Number.isFinite(v),
  integer: (v) => Number.isInteger(v),
  boolean: (v) => typeof v === "boolean",
  null: (v) => v === null,
  object: (v) => v !== null && typeof v === "object" && !Array.isArray(v),
  array: (v) => Array.isArray(v),
};

/** A union branch's errors on one value, at instance path `path`. */
interface Remembered {
  readonly path: string;
  readonly errors: readonly AjvError[];
  readonly ok: boolean;
}

/** While one message is worded: each union branch's errors, by value (objects). */
let remembered: Map<Precompiled, WeakMap<object, Remembered>> | null = null;

/**
 * `run()`, with every union branch's errors on an object remembered meanwhile (the
 * generated branch validators ask `recall` first and tell `keep`): the union report
 * asks for a branch's errors apart, on a value the contract's validation tried it on
 * already. Only while one message is worded: a caller's objects may change after.
 */
export function remembering<T>(run: () => T): T {
  const outer = remembered;
  remembered ??= new Map();
  try {
    return run();
  } finally {
    remembered = outer;
  }
}

/** What the generated validators call. */
export const CHECKS = Object.freeze({
  /**
   * A union branch's remembered verdict on `value`, its errors pushed (their
   * instancePath moved to `path`), or undefined (not remembered).
   */
  recall: (check: Precompiled, value: unknown, path: string, errors: AjvError[]): boolean | undefined => {
    if (remembered === null || value === null || typeof value !== "object") return undefined;
    const found = remembered.get(check)?.get(value);
    if (found === undefined) return undefined;
    if (found.path === path) {
      for (const error of found.errors) errors.push(error);
    } else {
      const from = found.path.length;
      for (const error of found.errors) {
        errors.push({ ...error, instancePath: path + error.instancePath.slice(from) });
      }
    }
    return found.ok;
  },
  /**
   * A union branch's verdict on `value` (whether it pushed no error after the first
   * `count`), remembered with its errors while a message is worded.
   */
  keep: (check: Precompiled, value: unknown, path: string, errors: AjvError[], count: number): boolean => {
    const ok = errors.length === count;
    if (remembered === null || value === null || typeof value !== "object") return ok;
    let byValue = remembered.get(check);
    if (byValue === undefined) remembered.set(check, (byValue = new WeakMap()));
    byValue.set(value, { path, errors: errors.slice(count), ok });
    return ok;
  },
  /** An own property that is not undefined: Ajv's `required` with ownProperties. */
  has: (value: object, key: string): boolean =>
    (value as Record<string, unknown>)[key] !== undefined && hasOwn.call(value, key),
  /** Length in code points, as Ajv counts it for minLength and maxLength. */
  length: ucs2length,
  isMultiple,
  /** Ajv's deep equality (enum and const). */
  equal,
  formats: FORMATS as Readonly<Record<string, (value: string) => boolean>>,
  /**
   * A failed assertion: true (the validator returns false) when no errors are
   * collected; otherwise pushes the errors of the branches Ajv keeps (`before`) and
   * Ajv's own error object, and returns false (the validator goes on).
   */
  fail: (
    errors: AjvError[] | undefined,
    keyword: string,
    instancePath: string,
    params: Readonly<Record<string, unknown>>,
    message?: string,
    propertyName?: string,
    before?: readonly AjvError[],
  ): boolean => {
    if (errors === undefined) return true;
    if (before !== undefined) for (const error of before) errors.push(error);
    errors.push(
      propertyName === undefined
        ? { keyword, instancePath, params, message }
        : { keyword, instancePath, params, message, propertyName },
    );
    return false;
  },
  /** A property name as a JSON Pointer token. */
  esc: (key: string): string => key.replace(/~/g, "~0").replace(/\//g, "~1"),
  /**
   * The indices [i, j] Ajv's uniqueItems reports for a repeated item, or null: its
   * loop keyed by value when the items' schema names scalar types (`types`), its
   * pairwise loop with deep equality otherwise (they find different pairs).
   */
  duplicate: (items: readonly unknown[], types: readonly string[] | null): [number, number] | null => {
    let i = items.length;
    if (i <= 1) return null;
    if (types !== null) {
      const indices: Record<string, unknown> = {}; // a plain object, as Ajv's
      for (; i--; ) {
        let item = items[i];
        if (!types.some((t) => TYPES[t]?.(item) === true)) continue;
        if (types.length > 1 && typeof item === "string") item += "_";
        const seen = indices[item as string];
        if (typeof seen === "number") return [i, seen];
        indices[item as string] = i;
      }
      return null;
    }
    for (; i--; ) {
      for (let j = i; j--; ) if (equal(items[i], items[j])) return [i, j];
    }
    return null;
  },
  /**
   * Ajv's contains with minContains/maxContains (`max` undefined: none): whether
   * `items` holds enough matching items, each tried with `check` in Ajv's order (the
   * errors of the items tried are pushed, as Ajv keeps them when it fails).
   */
  contains: (
    items: readonly unknown[],
    check: Precompiled,
    path: string | undefined,
    errors: AjvError[] | undefined,
    min: number,
    max: number | undefined,
  ): boolean => {
    if (max !== undefined && min > max) return false;
    const at = (i: number): string | undefined => (errors === undefined ? undefined : `${path}/${i}`);
    if (max === undefined && min === 1) {
      for (let i = 0; i < items.length; i++) if (check(items[i], at(i), errors)) return true;
      return false;
    }
    if (min === 0 && (max === undefined || items.length === 0)) return true;
    let valid = min === 0;
    let count = 0;
    for (let i = 0; i < items.length; i++) {
      if (!check(items[i], at(i), errors)) continue;
      count += 1;
      if (max === undefined) {
        if (count >= min) return true;
      } else {
        if (count > max) return false;
        if (min === 1 || count >= min) valid = true;
      }
    }
    return valid;
  },
  /**
   * The validator of a location of another schema file ("<path>#<JSON pointer>"),
   * whose module is read on the first call.
   */
  ref: (location: string): Precompiled => {
    let found: Precompiled | null = null;
    return (value, path, errors) => {
      if (found === null) {
        const file = location.slice(0, location.indexOf("#"));
        found = precompiled(file, true, location);
        if (found === null) throw new Error(`no precompiled validator of ${location}`);
      }
      return found(value, path, errors);
    };
  },
  /** A pattern of the schemas, compiled (by _regex.ts's rules) on first use. */
  pattern: (source: string): LinearRegExp => {
    let compiled: LinearRegExp | null = null;
    return { test: (text: string): boolean => (compiled ??= regExp(source)).test(text) };
  },
});

const loaded = new Set<string>();
const located = new Map<string, Precompiled>();

/**
 * The precompiled validator of `location` ("<path>#<JSON pointer>"), after reading
 * the module of schema file `file` when `hasModule`, or null. Every module read
 * registers each location it holds; two modules holding one location hold the same
 * function (the same schema, the same draft).
 */
export function precompiled(file: string, hasModule: boolean, location: string): Precompiled | null {
  if (hasModule && !loaded.has(file)) {
    loaded.add(file);
    const make = requireModule(`./_checks/${file}.cjs`) as (
      runtime: typeof CHECKS,
    ) => Record<string, Precompiled>;
    for (const [at, check] of Object.entries(make(CHECKS))) {
      if (!located.has(at)) located.set(at, check);
    }
  }
  return located.get(location) ?? null;
}
