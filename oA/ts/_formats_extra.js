// Formats of references, templates, pointers, regular expressions and
// internationalised names: the same
// rules as the Python package's _support (references.py, idn.py,
// ecma_syntax.py), with the same regular expressions (here with the `u` flag).
import { bidiRule, isALabel, isRtlLabel, isULabel, punycodeDecode, punycodeEncode, } from "./_hostname.js";
const UNRESERVED = "A-Za-z0-9\\-._~";
const SUB_DELIMS = "!$&'()*+,;=";
const PCT = "%[0-9A-Fa-f]{2}";
// RFC 3987 ucschar and iprivate
const UCSCHAR = "\\u00a0-\\ud7ff\\uf900-\\ufdcf\\ufdf0-\\uffef" +
    "\\u{10000}-\\u{1fffd}\\u{20000}-\\u{2fffd}\\u{30000}-\\u{3fffd}" +
    "\\u{40000}-\\u{4fffd}\\u{50000}-\\u{5fffd}\\u{60000}-\\u{6fffd}" +
    "\\u{70000}-\\u{7fffd}\\u{80000}-\\u{8fffd}\\u{90000}-\\u{9fffd}" +
    "\\u{a0000}-\\u{afffd}\\u{b0000}-\\u{bfffd}\\u{c0000}-\\u{cfffd}" +
    "\\u{d0000}-\\u{dfffd}\\u{e1000}-\\u{efffd}";
const IPRIVATE = "\\ue000-\\uf8ff\\u{f0000}-\\u{ffffd}\\u{100000}-\\u{10fffd}";
/** references.py's reference_pattern. */
function referencePattern(iri) {
    const unreserved = UNRESERVED + (iri ? UCSCHAR : "");
    const pchar = `(?:[${unreserved}${SUB_DELIMS}:@]|${PCT})`;
    const query = `(?:${pchar}|[/?${iri ? IPRIVATE : ""}])*`;
    const fragment = `(?:${pchar}|[/?])*`;
    const host = `(?<host>\\[[^\\]]*\\]|(?:[${unreserved}${SUB_DELIMS}]|${PCT})*)`;
    const userinfo = `(?:(?:[${unreserved}${SUB_DELIMS}:]|${PCT})*@)?`;
    return new RegExp("^(?:(?<scheme>[A-Za-z][A-Za-z0-9+.\\-]*):)?" +
        `(?://${userinfo}${host}(?::[0-9]*)?(?:/${pchar}*)*` +
        `|/?(?:${pchar}+(?:/${pchar}*)*)?)` +
        `(?:\\?${query})?(?:#${fragment})?$`, "u");
}
const URI_REF = referencePattern(false);
const IRI_REF = referencePattern(true);
const IPVFUTURE = /^[vV][0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+$/;
function reference(re, value, absolute, isIpv6) {
    const m = re.exec(value);
    if (!m)
        return false;
    if (m.groups?.["scheme"] === undefined) {
        if (absolute)
            return false;
        if (value.split(/[/?#]/, 1)[0].includes(":"))
            return false;
    }
    const host = m.groups?.["host"];
    if (host !== undefined && host.startsWith("[")) {
        const inner = host.slice(1, -1);
        if (inner.startsWith("v") || inner.startsWith("V"))
            return IPVFUTURE.test(inner);
        return isIpv6(inner);
    }
    return true;
}
/** The reference formats, given the runtime's ipv6 checker. */
export function referenceFormats(isIpv6) {
    return {
        "uri-reference": (value) => reference(URI_REF, value, false, isIpv6),
        iri: (value) => reference(IRI_REF, value, true, isIpv6),
        "iri-reference": (value) => reference(IRI_REF, value, false, isIpv6),
    };
}
// RFC 6570 section 2 (with errata 6937: an apostrophe is a literal)
const VARCHAR = `(?:[A-Za-z0-9_]|${PCT})`;
const VARSPEC = `${VARCHAR}(?:\\.?${VARCHAR})*(?::[1-9][0-9]{0,3}|\\*)?`;
const URI_TEMPLATE = new RegExp(`^(?:[!#$&'()*+,\\-./0-9:;=?@A-Z\\[\\]_a-z~${UCSCHAR}${IPRIVATE}]|${PCT}` +
    `|\\{[+#./;?&=,!@|]?${VARSPEC}(?:,${VARSPEC})*\\})*$`, "u");
const JSON_POINTER = "(?:/(?:[^~/]|~[01])*)*";
const JSON_POINTER_RE = new RegExp(`^${JSON_POINTER}$`, "u");
const RELATIVE_JSON_POINTER = new RegExp(`^(?:0|[1-9][0-9]*)(?:#|(?:[+-](?:0|[1-9][0-9]*))?${JSON_POINTER})$`, "u");
export const isUriTemplate = (value) => URI_TEMPLATE.test(value);
export const isJsonPointer = (value) => JSON_POINTER_RE.test(value);
export const isRelativeJsonPointer = (value) => RELATIVE_JSON_POINTER.test(value);
/** An ECMA-262 regular expression, with the `u` flag JSON Schema patterns use. */
export function isRegex(value) {
    try {
        new RegExp(value, "u");
        return true;
    }
    catch {
        return false;
    }
}
// -- idn-hostname and idn-email (idn.py) ---------------------------------------------
const SEPARATORS = /[.\u3002\uff0e\uff61]/u;
const LDH = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const ASCII = /^[\x00-\x7f]*$/;
const codePoints = (text) => Array.from(text, (c) => c.codePointAt(0));
export function isIdnHostname(value) {
    if (!value)
        return false;
    const ulabels = [];
    let total = -1;
    for (const label of value.split(SEPARATORS)) {
        if (ASCII.test(label)) {
            if (!LDH.test(label))
                return false;
            if (label.slice(2, 4) === "--" && label.slice(0, 2).toLowerCase() !== "xn")
                return false;
            if (label.slice(0, 4).toLowerCase() === "xn--") {
                if (!isALabel(label))
                    return false;
                ulabels.push(punycodeDecode(label.toLowerCase().slice(4)) ?? []);
            }
            else {
                ulabels.push(codePoints(label));
            }
            total += label.length + 1;
            continue;
        }
        const cps = codePoints(label);
        if (!isULabel(cps))
            return false;
        const size = 4 + punycodeEncode(cps).length;
        if (size > 63)
            return false;
        ulabels.push(cps);
        total += size + 1;
    }
    if (total > 253)
        return false;
    if (ulabels.some(isRtlLabel))
        return ulabels.every((cps) => bidiRule(cps, true));
    return true;
}
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~\\u0080-\\u{10ffff}\\-]";
const LOCAL = new RegExp(`^(?:${ATEXT}+(?:\\.${ATEXT}+)*` +
    '|"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e\\u0080-\\u{10ffff}]|\\\\[\\x20-\\x7e])*")$', "u");
/** idn.py's is_idn_email, given the runtime's ipv4 and ipv6 checkers. */
export function idnEmail(isIpv4, isIpv6) {
    return (value) => {
        const at = value.lastIndexOf("@");
        const local = value.slice(0, Math.max(at, 0));
        const domain = value.slice(at + 1);
        if (at < 0 || !local || !domain || !LOCAL.test(local))
            return false;
        if (domain.startsWith("[") && domain.endsWith("]")) {
            const literal = domain.slice(1, -1);
            if (literal.slice(0, 5).toLowerCase() === "ipv6:")
                return isIpv6(literal.slice(5));
            return isIpv4(literal);
        }
        return isIdnHostname(domain.normalize("NFC"));
    };
}
