/** The compiled form of a pattern: RE2 semantics, linear time. */
export interface LinearRegExp {
    test(text: string): boolean;
}
/**
 * Ajv's `code.regExp` engine: an object with `test(string)`. A pattern the compiler
 * found linear for a backtracking engine (NATIVE: anchored, deterministic,
 * unambiguous, e.g. `^[A-Z]{3}$`) runs in V8's RegExp, several times faster than
 * re2js and with the same meaning (ECMA-262's); every other one in re2js. A source
 * the compiler did not translate (the runtime's own "^__proto__$") is taken as RE2
 * syntax.
 */
export declare function regExp(source: string): LinearRegExp;
export declare namespace regExp {
    var code: string;
}
/** Whether ECMA-262 pattern `source` (one of the bundled schemas') occurs in `text`. */
export declare function search(source: string, text: string): boolean;
