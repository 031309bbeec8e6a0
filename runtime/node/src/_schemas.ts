// The bundled schemas, as the generated package's `_schemas.js` holds them: this
// module declares their shape for the runtime; `contracts generate` writes the data.

/** One schema file, with "$id" set and every "$ref" made absolute. */
export interface SchemaEntry {
  /** Its path below the schemas folder, e.g. "order/order_created.v1.json". */
  readonly path?: string;
  /** Its $id (or file:///schemas/<path>). */
  readonly uri: string;
  /** "2020-12" or "7". */
  readonly draft: string;
  /** Whether `_checks/<path>.cjs` holds precompiled accept-checks of its contracts. */
  readonly checks?: boolean;
  /**
   * "cfworker" when its contracts reach an unevaluated* shape Ajv gets wrong
   * (codegen/compiler/nodelimits.py): they are validated by _exact.ts.
   */
  readonly engine?: string;
  readonly schema: Readonly<Record<string, unknown>>;
}

export declare const SCHEMAS: readonly SchemaEntry[];

/** Each ECMA-262 pattern of the schemas, in RE2 syntax with the same meaning. */
export declare const PATTERNS: ReadonlyMap<string, string>;

/**
 * The patterns (ECMA-262 sources) on which a backtracking engine does linear work, so
 * V8's RegExp may run them: anchored, deterministic and unambiguous
 * (codegen/typescript/native_patterns.py).
 */
export declare const NATIVE: ReadonlySet<string>;
