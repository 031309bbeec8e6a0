import { RuntimeContractError } from "./_runtime.js";
import type { Limits, Violation } from "./_runtime.js";
import type { OperationId, Operations } from "./operations.js";
/** Base URI of the problem types: `${PROBLEM_BASE}contract-violation` and so on. */
export declare const PROBLEM_BASE = "https://contracts.example.com/problems/";
/** No such operation in the catalogue the package was generated with. */
export declare class UnknownOperation extends RuntimeContractError {
}
/** The server answered with a status the operation does not declare. */
export declare class UndeclaredStatus extends RuntimeContractError {
    readonly operation: string;
    readonly status: number;
    readonly declared: readonly number[];
    constructor(operation: string, status: number, declared: readonly number[]);
}
/** A catalogue operation, as the runtime reads it. */
export interface OperationInfo {
    readonly id: string;
    readonly method: string;
    readonly path: string;
    readonly pattern: RegExp;
    readonly server: "python" | "node";
    /** The request contract, or null when the operation takes no body. */
    readonly request: string | null;
    /** The contract of each declared status. */
    readonly responses: ReadonlyMap<number, string>;
    readonly declared: readonly number[];
}
/** The catalogue entry of an operation, or throws UnknownOperation. */
export declare function operation(id: string): OperationInfo;
/** The operation a request (method, URL path) is for, with its decoded parameters. */
export declare function matchOperation(method: string, path: string): {
    operation: OperationId;
    params: Record<string, string>;
} | null;
/** The URL path of an operation, each parameter encoded as Python's quote(safe=""). */
export declare function operationPath<K extends OperationId>(id: K, params: Operations[K]["params"]): string;
/** One violation in a problem document. */
export interface ProblemError {
    readonly pointer: string;
    readonly expected: string;
    readonly got: string;
    /** `pointer: expected X, got Y` (at most 1000 characters). */
    readonly message: string;
}
/** An RFC 9457 problem document (the ProblemDetails contract). */
export interface Problem<S extends number = number> {
    readonly type: string;
    readonly title: string;
    readonly status: S;
    readonly detail: string;
    readonly instance?: string;
    readonly errors?: readonly ProblemError[];
}
/**
 * An RFC 9457 problem document, as runtime/http.py's problem() builds it, kept
 * within the ProblemDetails contract's limits: `detail` clipped to 4000 characters,
 * `expected` and `got` to 500, `message` to 1000; an `instance` over 2000 is left out.
 */
export declare function problem<S extends number>(status: S, kind: string, title: string, detail: string, instance?: string, violations?: readonly Violation[]): Problem<S>;
/** application/json or any application/*+json media type, parameters ignored. */
export declare function isJsonMediaType(contentType: string | null | undefined): boolean;
/** The statuses of a refused request: 415, 413, 400 (nesting, syntax), 422. */
export type RequestProblemStatus = 400 | 413 | 415 | 422;
/** What a handler knows of a request. */
export interface RequestInput {
    /** The Content-Type header. */
    readonly contentType?: string | null | undefined;
    /** The Content-Length header: a body declared too large is refused before reading. */
    readonly contentLength?: string | number | null | undefined;
    /**
     * The raw body (a string or bytes, e.g. a Buffer, is JSON text), or a value the
     * framework already parsed (then measured as compact JSON).
     */
    readonly body?: unknown;
    /** The request path, copied into the problem document's `instance`. */
    readonly instance?: string | undefined;
    readonly limits?: Limits | undefined;
}
export type RequestResult<K extends OperationId> = {
    readonly ok: true;
    readonly body: Operations[K]["request"];
} | {
    readonly ok: false;
    readonly status: RequestProblemStatus;
    readonly problem: Problem<RequestProblemStatus>;
};
/**
 * Checks a request to a catalogue operation as the Python middleware does, in the
 * same order: content type (415), declared and actual size (413), nesting (400),
 * JSON syntax (400), the request contract (422). `body` is the raw body (string or
 * bytes, Buffer included) or a value the framework already parsed.
 */
export declare function validateRequest<K extends OperationId>(operationId: K, input?: RequestInput): RequestResult<K>;
export type ResponseCheck = {
    readonly ok: true;
} | {
    readonly ok: false;
    readonly violations: readonly Violation[];
};
/**
 * Checks a response before it is sent (for strict servers): the status must be
 * declared (a 5xx the operation does not declare passes, as in Python), the content
 * type JSON when given, and the body must satisfy the contract of its status.
 */
export declare function validateResponse<K extends OperationId>(operationId: K, status: number, body: unknown, options?: {
    readonly contentType?: string | undefined;
    readonly limits?: Limits | undefined;
}): ResponseCheck;
/** The 500 a strict server answers instead of a response that breaks its contract. */
export declare function responseProblem(instance?: string): Problem<500>;
/** What the client needs of a fetch response (the global Response has it). */
export interface FetchResponse {
    readonly status: number;
    readonly headers: {
        get(name: string): string | null;
    };
    arrayBuffer(): Promise<ArrayBuffer>;
}
/** What the client needs of fetch: the global fetch, or a wrapper (timeouts, auth). */
export type FetchLike = (url: string, init: {
    method: string;
    headers: Record<string, string>;
    body?: string;
}) => Promise<FetchResponse>;
export interface ClientOptions {
    /** e.g. "http://agents.internal:8000" (the operation's path is appended). */
    readonly baseUrl: string;
    /** Defaults to the global fetch. */
    readonly fetch?: FetchLike | undefined;
    /** Sent with every call (a call's own headers win). */
    readonly headers?: Readonly<Record<string, string>> | undefined;
    /** Limits on the JSON text of answers (default 1 MiB, depth 64). */
    readonly limits?: Limits | undefined;
}
type ParamsArg<P> = keyof P extends never ? {
    readonly params?: P;
} : {
    readonly params: P;
};
type BodyArg<B> = [B] extends [undefined] ? {
    readonly body?: undefined;
} : {
    readonly body: B;
};
/** The arguments of a call: path parameters, request body, extra headers. */
export type CallArgs<K extends OperationId> = ParamsArg<Operations[K]["params"]> & BodyArg<Operations[K]["request"]> & {
    readonly headers?: Readonly<Record<string, string>>;
};
type Statuses<K extends OperationId> = keyof Operations[K]["responses"] & number;
/** A validated answer: narrowing on `status` narrows `data`. */
export type Answer<K extends OperationId> = {
    [S in Statuses<K>]: {
        readonly status: S;
        readonly data: Operations[K]["responses"][S];
        readonly response: FetchResponse;
    };
}[Statuses<K>];
type Rest<A> = {} extends A ? [args?: A] : [args: A];
export interface Client {
    /**
     * Validates the body and sends it (ContractViolation, nothing sent, when it breaks
     * the contract); validates the answer against the contract of its status
     * (UndeclaredStatus for a status the operation does not declare).
     */
    call<K extends OperationId>(operation: K, ...args: Rest<CallArgs<K>>): Promise<Answer<K>>;
}
/**
 * A client for the catalogue's operations over fetch. `call` validates the body
 * before sending it (ContractViolation, nothing sent), then the answer against the
 * contract of its status (UndeclaredStatus, or ContractViolation for a bad body).
 */
export declare function createClient(options: ClientOptions): Client;
export {};
