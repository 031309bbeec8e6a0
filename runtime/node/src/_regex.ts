// `pattern` in linear time.
//
// JSON Schema patterns are ECMA-262 regular expressions; V8 runs them in a
// backtracking engine, where `^(a+)+$` against 30 a's and a "!" blocks the event loop
// for seconds. Here every pattern runs in re2js, a pure-JavaScript RE2 (linear time,
// no native build). The compiler translated each pattern of the bundled schemas into
// RE2 syntax with ECMA-262's meaning (`PATTERNS`, made by runtime/support/ecma.py, the
// translator the Python runtime uses for Rust's regex), and refused at generation the
// patterns no linear-time engine can run (lookaround, backreferences).
import { RE2JS } from "re2js";
import { NATIVE, PATTERNS } from "./_schemas.js";

/** The compiled form of a pattern: RE2 semantics, linear time. */
export interface LinearRegExp {
  test(text: string): boolean;
}

const compiled = new Map<string, LinearRegExp>();

/**
 * Ajv's `code.regExp` engine: an object with `test(string)`. A pattern the compiler
 * found linear for a backtracking engine (NATIVE: anchored, deterministic,
 * unambiguous, e.g. `^[A-Z]{3}$`) runs in V8's RegExp, several times faster than
 * re2js and with the same meaning (ECMA-262's); every other one in re2js. A source
 * the compiler did not translate (the runtime's own "^__proto__$") is taken as RE2
 * syntax.
 */
export function regExp(source: string): LinearRegExp {
  let found = compiled.get(source);
  if (found === undefined) {
    const re: LinearRegExp =
      (NATIVE.has(source) ? native(source) : null) ??
      RE2JS.compile(PATTERNS.get(source) ?? source);
    found = re;
    compiled.set(source, found);
  }
  return found;
}

/** V8's RegExp for `source` (u flag, as JSON Schema reads patterns), or null. */
function native(source: string): LinearRegExp | null {
  try {
    return new RegExp(source, "u");
  } catch {
    return null;
  }
}
regExp.code = 'require("re2js").RE2JS.compile';

/** Whether ECMA-262 pattern `source` (one of the bundled schemas') occurs in `text`. */
export function search(source: string, text: string): boolean {
  return regExp(source).test(text);
}
