// Runtime of the generated contracts package (copied verbatim by `contracts generate`).

/** One broken rule: at `pointer` (RFC 6901), `expected` X, `got` Y. */
export interface Violation {
  readonly pointer: string;
  readonly expected: string;
  readonly got: string;
}

/** Limits checked on JSON text before it is parsed. */
export interface Limits {
  /** Size of the UTF-8 text in bytes (default 1 MiB). */
  readonly maxBytes?: number;
  /** Nesting depth of arrays and objects (default 64). */
  readonly maxDepth?: number;
}

export declare const DEFAULT_LIMITS: Readonly<Required<Limits>>;

/** Base of the runtime's errors. */
export declare class RuntimeContractError extends Error {}

/** The contract (schema path) is not in the generated package. */
export declare class UnknownContract extends RuntimeContractError {}

/** A value does not satisfy its contract; `violations` lists every error. */
export declare class ContractViolation extends RuntimeContractError {
  constructor(
    contract: string,
    violations: Iterable<Violation>,
    where?: Readonly<Record<string, string | number>>,
  );
  /** The contract, e.g. "order/order_created.v1.json". */
  readonly contract: string;
  /** Every violation, sorted by pointer, expected, got, without duplicates. */
  readonly violations: readonly Violation[];
  /** Where the value was (stream and entry id, or HTTP route), when known. */
  readonly where: Readonly<Record<string, string | number>>;
  toJSON(): {
    contract: string;
    where: Readonly<Record<string, string | number>>;
    violations: readonly Violation[];
  };
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

/**
 * The contract of a schema file or of a location inside one, e.g.
 * "order/order_created.v1.json" or "common/problem.json#/$defs/ProblemDetails".
 * Throws UnknownContract when the package has no such schema file.
 */
export declare function contract<T = unknown>(id: string): Contract<T>;

export type FormatName =
  | "date"
  | "date-time"
  | "duration"
  | "email"
  | "hostname"
  | "idn-email"
  | "idn-hostname"
  | "ipv4"
  | "ipv6"
  | "iri"
  | "iri-reference"
  | "json-pointer"
  | "regex"
  | "relative-json-pointer"
  | "time"
  | "uri"
  | "uri-reference"
  | "uri-template"
  | "uuid";

/** The asserted formats: the same checks, verdict for verdict, as the Python package. */
export declare const FORMATS: Readonly<Record<FormatName, (value: string) => boolean>>;

export declare function isDate(value: string): boolean;
export declare function isDateTime(value: string): boolean;
export declare function isTime(value: string): boolean;
export declare function isDuration(value: string): boolean;
export declare function isUuid(value: string): boolean;
export declare function isEmail(value: string): boolean;
export declare function isHostname(value: string): boolean;
export declare function isIpv4(value: string): boolean;
export declare function isIpv6(value: string): boolean;
export declare function isUri(value: string): boolean;

/**
 * The code points `text` (a label after "xn--") decodes to as Punycode (RFC 3492),
 * or null where Python's codec fails. Validity as IDNA2008 is `isHostname`'s job.
 */
export declare function punycodeDecode(text: string): number[] | null;

/** `multipleOf` on the decimals the JSON wrote: 19.99 is a multiple of 0.01. */
export declare function isMultiple(value: number, divisor: number): boolean;

/** The deepest nesting of arrays and objects in JSON text (strings skipped). */
export declare function nestingDepth(text: string): number;
