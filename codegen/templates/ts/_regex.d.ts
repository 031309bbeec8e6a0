/** The compiled form of a pattern: RE2 semantics, linear time. */
export interface LinearRegExp {
  test(text: string): boolean;
}
/** Ajv's `code.regExp` engine for the bundled schemas' patterns. */
export declare function regExp(source: string): LinearRegExp;
/** Whether ECMA-262 pattern `source` (one of the bundled schemas') occurs in `text`. */
export declare function search(source: string, text: string): boolean;
