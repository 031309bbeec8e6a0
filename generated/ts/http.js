// HTTP with contracts. The Node side of runtime/http.py, for the catalogue's operations:
// - createClient: a fetch client that validates the body it sends (nothing is sent
//   when it breaks the contract) and the answer against the contract of its status;
// - validateRequest / validateResponse: a framework-neutral check for Express,
//   Fastify or node:http handlers, answering like the Python middleware: RFC 9457
//   problem documents with the same statuses (415, 413, 400, 422), problem types,
//   titles and `errors` (pointer, expected, got, message).
import { CATALOG } from "./_catalog.js";
import { ContractViolation, DEFAULT_LIMITS, RuntimeContractError, contract, depthOver, utf8Length, } from "./_runtime.js";
import { capped, violationText } from "./_violations.js";
/** Base URI of the problem types: `${PROBLEM_BASE}contract-violation` and so on. */
import { Telemetry } from "./telemetry.js";
export const PROBLEM_BASE = "https://contracts.example.com/problems/";
/** No such operation in the catalogue the package was generated with. */
export class UnknownOperation extends RuntimeContractError {
}
/** The server answered with a status the operation does not declare. */
export class UndeclaredStatus extends RuntimeContractError {
    operation;
    status;
    declared;
    constructor(operation, status, declared) {
        super(`${operation} answered ${status}, which it does not declare (${declared.join(", ")})`);
        this.operation = operation;
        this.status = status;
        this.declared = Object.freeze([...declared]);
    }
}
const PARAM = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const operations = new Map();
function toOperation(id, raw) {
    const responses = new Map(Object.entries(raw.responses ?? {}).map(([status, r]) => [Number(status), r.contract]));
    const escaped = raw.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
    return Object.freeze({
        id,
        method: raw.method.toUpperCase(),
        path: raw.path,
        pattern: new RegExp(`^${escaped.replace(PARAM, "(?<$1>[^/]+)")}$`),
        server: raw.server ?? "python",
        request: raw.request?.contract ?? null,
        responses,
        declared: Object.freeze([...responses.keys()].sort((a, b) => a - b)),
    });
}
function allOperations() {
    const all = CATALOG?.operations ?? {};
    for (const [id, raw] of Object.entries(all)) {
        if (!operations.has(id))
            operations.set(id, toOperation(id, raw));
    }
    return operations;
}
/** The catalogue entry of an operation, or throws UnknownOperation. */
export function operation(id) {
    const op = operations.get(id) ?? allOperations().get(id);
    if (op === undefined) {
        throw new UnknownOperation(`no operation ${JSON.stringify(id)} in the catalogue`);
    }
    return op;
}
const decode = (text) => {
    try {
        return decodeURIComponent(text);
    }
    catch {
        return text;
    }
};
/** The operation a request (method, URL path) is for, with its decoded parameters. */
export function matchOperation(method, path) {
    const wanted = String(method).toUpperCase();
    for (const op of allOperations().values()) {
        const m = op.method === wanted ? op.pattern.exec(path) : null;
        if (m) {
            const groups = Object.entries(m.groups ?? {});
            const params = Object.fromEntries(groups.map(([k, v]) => [k, decode(v)]));
            return { operation: op.id, params };
        }
    }
    return null;
}
/** The URL path of an operation, each parameter encoded as Python's quote(safe=""). */
export function operationPath(id, params) {
    const op = operation(id);
    const values = (params ?? {});
    return op.path.replace(PARAM, (_, name) => {
        if (!Object.hasOwn(values, name)) {
            throw new TypeError(`${id}: missing path parameter ${JSON.stringify(name)}`);
        }
        return encodeURIComponent(String(values[name])).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
    });
}
const clip = (text, n) => {
    const chars = Array.from(text);
    return chars.length > n ? chars.slice(0, n).join("") : text;
};
/**
 * An RFC 9457 problem document, as runtime/http.py's problem() builds it, kept
 * within the ProblemDetails contract's limits: `detail` clipped to 4000 characters,
 * `expected` and `got` to 500, `message` to 1000; an `instance` over 2000 is left out.
 * `errors` lists the first 100 violations and `errors_omitted` counts the rest.
 */
export function problem(status, kind, title, detail, instance, violations = []) {
    const body = {
        type: PROBLEM_BASE + kind,
        title,
        status,
        detail: clip(detail, 4000),
    };
    if (instance !== undefined && Array.from(instance).length <= 2000)
        body.instance = instance;
    if (violations.length) {
        const [shown, omitted] = capped(violations);
        body.errors = shown.map((v) => ({
            pointer: v.pointer,
            expected: clip(v.expected, 500),
            got: clip(v.got, 500),
            message: clip(violationText(v), 1000),
        }));
        if (omitted)
            body.errors_omitted = omitted;
    }
    return body;
}
/** application/json or any application/*+json media type, parameters ignored. */
export function isJsonMediaType(contentType) {
    const media = String(contentType ?? "").split(";", 1)[0].trim().toLowerCase();
    return (media === "application/json" || (media.startsWith("application/") && media.endsWith("+json")));
}
// -- validating requests and responses -----------------------------------------------------
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const LOOSE = new TextDecoder("utf-8", { ignoreBOM: true });
function valueDepth(value) {
    let deepest = 0;
    const stack = [[value, 1]];
    for (let top = stack.pop(); top !== undefined; top = stack.pop()) {
        const [v, depth] = top;
        if (v === null || typeof v !== "object")
            continue;
        deepest = Math.max(deepest, depth);
        for (const child of Array.isArray(v) ? v : Object.values(v))
            stack.push([child, depth + 1]);
    }
    return deepest;
}
function tooLarge(max, size) {
    return [413, "payload-too-large", "Request body too large", `at most ${max} bytes, got ${size}`];
}
function deep(depth, max) {
    const detail = `nesting depth ${depth}, at most ${max}`;
    return [400, "nesting-too-deep", "Request body nested too deeply", detail];
}
const malformed = (detail) => [
    400,
    "malformed-json",
    "Request body is not valid JSON",
    detail,
];
/** The JSON value of a body, or the problem [status, kind, title, detail]. */
function readBody(body, maxBytes, maxDepth) {
    if (body === undefined || typeof body === "string" || body instanceof Uint8Array) {
        const size = typeof body === "string" ? utf8Length(body) : (body?.byteLength ?? 0);
        if (size > maxBytes)
            return { refused: tooLarge(maxBytes, size) };
        let text;
        let utf8 = true;
        if (body === undefined)
            text = "";
        else if (typeof body === "string")
            text = body;
        else {
            try {
                text = UTF8.decode(body);
            }
            catch {
                // Nesting is still measured first, as Python does on the bytes.
                [text, utf8] = [LOOSE.decode(body), false];
            }
        }
        const depth = depthOver(text, maxDepth);
        if (depth !== null)
            return { refused: deep(depth, maxDepth) };
        if (!utf8)
            return { refused: malformed("invalid UTF-8") };
        try {
            return { value: JSON.parse(text) };
        }
        catch (error) {
            return { refused: malformed(error.message) };
        }
    }
    // Already parsed by the framework: measured as compact JSON, nesting counted.
    const size = utf8Length(JSON.stringify(body) ?? "");
    if (size > maxBytes)
        return { refused: tooLarge(maxBytes, size) };
    const depth = valueDepth(body);
    if (depth > maxDepth)
        return { refused: deep(depth, maxDepth) };
    return { value: body };
}
/**
 * Checks a request to a catalogue operation as the Python middleware does, in the
 * same order: content type (415), declared and actual size (413), nesting (400),
 * JSON syntax (400), the request contract (422). `body` is the raw body (string or
 * bytes, Buffer included) or a value the framework already parsed.
 */
export function validateRequest(operationId, input = {}) {
    const op = operation(operationId);
    if (op.request === null)
        return { ok: true, body: undefined };
    const { contentType, contentLength, body, instance, limits } = input;
    const maxBytes = limits?.maxBytes ?? DEFAULT_LIMITS.maxBytes;
    const maxDepth = limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth;
    const refuse = ([status, kind, title, detail], violations) => ({
        ok: false,
        status,
        problem: problem(status, kind, title, detail, instance, violations),
    });
    if (!isJsonMediaType(contentType)) {
        const detail = `${op.id} takes application/json, got ${contentType || "none"}`;
        return refuse([415, "unsupported-media-type", "Unsupported media type", detail]);
    }
    const declared = String(contentLength ?? "");
    if (/^[0-9]+$/.test(declared) && Number(declared) > maxBytes) {
        return refuse(tooLarge(maxBytes, Number(declared)));
    }
    const read = readBody(body, maxBytes, maxDepth);
    if (read.refused)
        return refuse(read.refused);
    const errors = contract(op.request).errors(read.value);
    if (errors.length) {
        const detail = `${errors.length} violation(s) of ${op.request}`;
        return refuse([422, "contract-violation", "Request body breaks the contract", detail], errors);
    }
    return { ok: true, body: read.value };
}
/**
 * Checks a response before it is sent (for strict servers): the status must be
 * declared (a 5xx the operation does not declare passes, as in Python), the content
 * type JSON when given, and the body must satisfy the contract of its status.
 */
export function validateResponse(operationId, status, body, options = {}) {
    const op = operation(operationId);
    const id = op.responses.get(Number(status));
    const breach = (expected, got) => ({
        ok: false,
        violations: [{ pointer: "", expected, got }],
    });
    if (id === undefined) {
        if (Number(status) >= 500)
            return { ok: true };
        return breach(`a status declared for ${op.id} (${op.declared.join(", ")})`, String(status));
    }
    if (options.contentType !== undefined && !isJsonMediaType(options.contentType)) {
        return breach("a JSON response", options.contentType || "no content type");
    }
    if (typeof body === "string" || body instanceof Uint8Array) {
        try {
            contract(id).parseJson(body, options.limits);
            return { ok: true };
        }
        catch (error) {
            if (error instanceof ContractViolation)
                return { ok: false, violations: error.violations };
            throw error;
        }
    }
    const violations = contract(id).errors(body);
    return violations.length ? { ok: false, violations } : { ok: true };
}
/** The 500 a strict server answers instead of a response that breaks its contract. */
export function responseProblem(instance) {
    return problem(500, "response-contract-violation", "Internal Server Error", "the server produced a response that breaks its contract", instance);
}
/**
 * A client for the catalogue's operations over fetch. `call` validates the body
 * before sending it (ContractViolation, nothing sent), then the answer against the
 * contract of its status (UndeclaredStatus, or ContractViolation for a bad body).
 */
export function createClient(options) {
    const base = String(options.baseUrl).replace(/\/+$/, "");
    const send = (options.fetch ?? globalThis.fetch);
    if (typeof send !== "function")
        throw new TypeError("createClient: no fetch function");
    const defaults = { ...options.headers };
    const tel = options.telemetry ?? new Telemetry();
    async function call(operationId, args = {}) {
        const op = operation(operationId);
        const span = httpSpan(tel, "CLIENT", op);
        try {
            return await tel.within(span, () => exchange(op, args, span));
        }
        catch (error) {
            Telemetry.fail(span, error instanceof Error ? error.name : "Error");
            throw error;
        }
        finally {
            Telemetry.end(span);
        }
    }
    async function exchange(op, args, span) {
        const where = { operation: op.id, route: `${op.method} ${op.path}` };
        const params = (args.params ?? {});
        const url = base + operationPath(op.id, params);
        const headers = {
            accept: "application/json, application/problem+json",
            ...defaults,
        };
        let payload;
        if (op.request !== null) {
            const errors = contract(op.request).errors(args.body);
            if (errors.length)
                throw new ContractViolation(op.request, errors, where);
            payload = JSON.stringify(args.body);
            headers["content-type"] = "application/json";
        }
        tel.injectHeaders(headers);
        Object.assign(headers, args.headers);
        const init = { method: op.method, headers };
        if (payload !== undefined)
            init.body = payload;
        const response = await send(url, init);
        const status = response.status;
        Telemetry.set(span, "http.response.status_code", status);
        if (status >= 400)
            Telemetry.fail(span, String(status));
        const id = op.responses.get(status);
        if (id === undefined)
            throw new UndeclaredStatus(op.id, status, op.declared);
        const raw = new Uint8Array(await response.arrayBuffer());
        let data;
        try {
            data = contract(id).parseJson(raw, options.limits);
        }
        catch (error) {
            if (!(error instanceof ContractViolation))
                throw error;
            throw new ContractViolation(id, error.violations, { ...where, status });
        }
        return { status, data, response };
    }
    return Object.freeze({ call: call });
}
function httpSpan(tel, kind, op, headers) {
    if (!tel.tracing)
        return undefined;
    const attributes = {
        "http.request.method": op.method,
        "url.template": op.path,
        "contracts.operation": op.id,
    };
    return tel.start(`${op.method} ${op.path}`, kind, attributes, headers);
}
/**
 * Runs a server's handler of a catalogue operation in a server span that continues
 * the caller's trace (its `traceparent`/`tracestate` headers, lower-case names as
 * Node's http module gives them); the span records the answer's status. Without an
 * SDK it only calls `handler`.
 */
export async function traced(operationId, headers, handler, telemetry = defaultTelemetry) {
    const span = httpSpan(telemetry, "SERVER", operation(operationId), headers);
    if (span === undefined)
        return handler();
    try {
        const answer = await telemetry.within(span, handler);
        Telemetry.set(span, "http.response.status_code", answer.status);
        if (answer.status >= 400)
            Telemetry.fail(span, String(answer.status));
        return answer;
    }
    catch (error) {
        Telemetry.fail(span, error instanceof Error ? error.name : "Error");
        throw error;
    }
    finally {
        Telemetry.end(span);
    }
}
const defaultTelemetry = new Telemetry();
