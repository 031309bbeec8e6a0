// JSON text read by the runtime: its size and nesting depth checked before it is
// parsed (the limits, the same as the Python runtime's), then JSON.parse.
import { ContractViolation } from "./_violations.js";
export const DEFAULT_LIMITS = Object.freeze({
    maxBytes: 1 << 20,
    maxDepth: 64,
});
// -- JSON text: limits before parsing ----------------------------------------------------
/** The deepest nesting of arrays and objects in JSON text (strings skipped). */
export function nestingDepth(text) {
    let depth = 0;
    let deepest = 0;
    let inString = false;
    let escaped = false;
    for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (inString) {
            if (escaped)
                escaped = false;
            else if (c === 0x5c)
                escaped = true;
            else if (c === 0x22)
                inString = false;
        }
        else if (c === 0x22)
            inString = true;
        else if (c === 0x5b || c === 0x7b)
            deepest = Math.max(deepest, ++depth);
        else if (c === 0x5d || c === 0x7d)
            depth -= 1;
    }
    return deepest;
}
/** The size of text as UTF-8, in bytes (a lone surrogate counts as U+FFFD, 3 bytes). */
export function utf8Length(text) {
    return Buffer.byteLength(text, "utf8");
}
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const refusal = (id, expected, got) => new ContractViolation(id, [{ pointer: "", expected, got }]);
/**
 * Throws the ContractViolation of contract `id` when JSON text we wrote is larger or
 * deeper than `limits` (what a consumer would refuse): the same check as parseJson's,
 * with the depth measured only when the text holds enough brackets to exceed it.
 */
export function checkLimits(id, text, limits) {
    const maxBytes = limits?.maxBytes ?? DEFAULT_LIMITS.maxBytes;
    const maxDepth = limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth;
    // A UTF-16 unit is at most 3 bytes of UTF-8: short text needs no count.
    if (text.length * 3 > maxBytes) {
        const size = utf8Length(text);
        if (size > maxBytes)
            throw refusal(id, `at most ${maxBytes} bytes`, `${size} bytes`);
    }
    const depth = depthOver(text, maxDepth);
    if (depth !== null)
        throw refusal(id, `nesting depth at most ${maxDepth}`, `depth ${depth}`);
}
/** The nesting depth of JSON text when it is above `maxDepth`, else null. */
export function depthOver(text, maxDepth) {
    if (!mayBeDeeper(text, maxDepth))
        return null;
    const depth = nestingDepth(text);
    return depth > maxDepth ? depth : null;
}
/**
 * Whether `text` holds more than `maxDepth` opening brackets, the only way it can nest
 * deeper than that: counted with the native indexOf, so a message with few brackets
 * (nearly every message) is never scanned character by character in JavaScript.
 */
function mayBeDeeper(text, maxDepth) {
    if (text.length <= maxDepth * 2)
        return false;
    let n = 0;
    for (const bracket of ["{", "["]) {
        for (let at = text.indexOf(bracket); at >= 0; at = text.indexOf(bracket, at + 1)) {
            if (++n > maxDepth)
                return true;
        }
    }
    return false;
}
export function readJson(id, data, limits) {
    const maxBytes = limits?.maxBytes ?? DEFAULT_LIMITS.maxBytes;
    const maxDepth = limits?.maxDepth ?? DEFAULT_LIMITS.maxDepth;
    const refuse = (expected, got) => refusal(id, expected, got);
    // A UTF-16 unit is at most 3 bytes of UTF-8: short text needs no count.
    const size = typeof data !== "string" ? data.byteLength : data.length * 3 > maxBytes ? utf8Length(data) : 0;
    if (size > maxBytes)
        throw refuse(`at most ${maxBytes} bytes`, `${size} bytes`);
    let text;
    if (typeof data === "string")
        text = data;
    else {
        try {
            text = UTF8.decode(data);
        }
        catch {
            throw refuse("valid JSON", "text that is not UTF-8");
        }
    }
    const depth = depthOver(text, maxDepth);
    if (depth !== null)
        throw refuse(`nesting depth at most ${maxDepth}`, `depth ${depth}`);
    try {
        return JSON.parse(text);
    }
    catch (error) {
        throw refuse("valid JSON", error.message);
    }
}
