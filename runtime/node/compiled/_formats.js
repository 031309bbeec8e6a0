// String formats the contracts assert, as the Python package's runtime/support/formats.py
// checks them (ported rule for rule, so Python and Node give the same verdict on every
// string), and `multipleOf` in exact decimal arithmetic. The type aliases document
// intent in the generated types and keep the exact wire text (validators check them).
import { idnEmail, isIdnHostname, isJsonPointer, isRegex, isRelativeJsonPointer, isUriTemplate, referenceFormats, } from "./_formats_extra.js";
import { isHostname } from "./_hostname.js";
export { isHostname, punycodeDecode } from "./_hostname.js";
// Anchored JS regexes match the whole string (no Python-style match before a
// final "\n"): formats.py uses fullmatch or an explicit newline guard to agree.
const isAscii = (s) => /^[\x00-\x7f]*$/.test(s);
const mod = (a, n) => ((a % n) + n) % n;
const DUR_TIME = "T(?:[0-9]+H(?:[0-9]+M(?:[0-9]+S)?)?|[0-9]+M(?:[0-9]+S)?|[0-9]+S)";
const DURATION = new RegExp("^P(?:(?:[0-9]+Y(?:[0-9]+M(?:[0-9]+D)?)?|[0-9]+M(?:[0-9]+D)?|[0-9]+D)" +
    `(?:${DUR_TIME})?|${DUR_TIME}|[0-9]+W)$`);
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const OCTET = "(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
const IPV4 = new RegExp(`^(?:${OCTET}\\.){3}${OCTET}$`);
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const LOCAL = new RegExp(`^(?:${ATEXT}+(?:\\.${ATEXT}+)*` +
    '|"(?:[\\x20\\x21\\x23-\\x5b\\x5d-\\x7e]|\\\\[\\x20-\\x7e])*")$');
const UNRESERVED = "A-Za-z0-9\\-._~";
const SUB_DELIMS = "!$&'()*+,;=";
const PCT = "%[0-9A-Fa-f]{2}";
const PCHAR = `(?:[${UNRESERVED}${SUB_DELIMS}:@]|${PCT})`;
const URI = new RegExp("^[A-Za-z][A-Za-z0-9+.\\-]*:" +
    `(?://(?:(?:[${UNRESERVED}${SUB_DELIMS}:]|${PCT})*@)?` +
    `(?<host>\\[[0-9A-Fa-f:.vV\\-${UNRESERVED}${SUB_DELIMS}]*\\]` +
    `|(?:[${UNRESERVED}${SUB_DELIMS}]|${PCT})*)` +
    "(?::[0-9]*)?" +
    `(?:/${PCHAR}*)*` +
    `|/?(?:${PCHAR}+(?:/${PCHAR}*)*)?)` +
    `(?:\\?(?:${PCHAR}|[/?])*)?` +
    `(?:#(?:${PCHAR}|[/?])*)?$`);
function daysInMonth(year, month) {
    if (month === 2) {
        return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
    }
    return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
// date, time and date-time are read with charCodeAt, without a regular expression,
// slices or arrays: they are the formats nearly every message carries, and this
// reads the same strings as the regular expressions
// ^([0-9]{4})-([0-9]{2})-([0-9]{2})$ and
// ^([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?([Zz]|([+-])([0-9]{2}):([0-9]{2}))$.
/** The ASCII digit at `i` of `s` as a number, or -1. */
function digit(s, i) {
    const c = s.charCodeAt(i) - 48;
    return c >= 0 && c <= 9 ? c : -1;
}
/** The two ASCII digits at `i` of `s` as a number, or -1. */
function twoDigits(s, i) {
    const a = digit(s, i);
    const b = digit(s, i + 1);
    return a < 0 || b < 0 ? -1 : a * 10 + b;
}
/** Whether `s` holds a full-date at `i` (10 characters). */
function dateAt(s, i) {
    if (s.charCodeAt(i + 4) !== 0x2d || s.charCodeAt(i + 7) !== 0x2d)
        return false;
    const hi = twoDigits(s, i);
    const lo = twoDigits(s, i + 2);
    const month = twoDigits(s, i + 5);
    const day = twoDigits(s, i + 8);
    if (hi < 0 || lo < 0 || month < 0 || day < 0)
        return false;
    return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(hi * 100 + lo, month);
}
/** Whether `s` from `i` to its end is a full-time with an offset. */
function timeAt(s, i) {
    const n = s.length;
    if (n - i < 9 || s.charCodeAt(i + 2) !== 0x3a || s.charCodeAt(i + 5) !== 0x3a)
        return false;
    const hour = twoDigits(s, i);
    const minute = twoDigits(s, i + 3);
    const second = twoDigits(s, i + 6);
    if (hour < 0 || minute < 0 || second < 0)
        return false;
    let j = i + 8;
    if (s.charCodeAt(j) === 0x2e) {
        const first = ++j;
        while (j < n && digit(s, j) >= 0)
            j++;
        if (j === first)
            return false;
    }
    const c = s.charCodeAt(j);
    let sign = 0;
    let offH = 0;
    let offM = 0;
    if (c === 0x5a || c === 0x7a) {
        if (j + 1 !== n)
            return false;
    }
    else if (c === 0x2b || c === 0x2d) {
        if (j + 6 !== n || s.charCodeAt(j + 3) !== 0x3a)
            return false;
        offH = twoDigits(s, j + 1);
        offM = twoDigits(s, j + 4);
        if (offH < 0 || offM < 0)
            return false;
        sign = c === 0x2d ? -1 : 1;
    }
    else {
        return false;
    }
    if (hour > 23 || minute > 59 || second > 60 || offH > 23 || offM > 59)
        return false;
    if (second === 60) {
        // A leap second is 23:59:60 in UTC only.
        return mod(hour * 60 + minute - (sign || 1) * (offH * 60 + offM), 24 * 60) === 23 * 60 + 59;
    }
    return true;
}
export function isDate(value) {
    return value.length === 10 && dateAt(value, 0);
}
export function isTime(value) {
    return timeAt(value, 0);
}
/**
 * A full-date, "T" or "t", a full-time. (A date holds no "T" and a time none either,
 * so the separator is the eleventh character.)
 */
export function isDateTime(value) {
    const t = value.charCodeAt(10);
    return (t === 0x54 || t === 0x74) && dateAt(value, 0) && timeAt(value, 11);
}
export const isDuration = (value) => DURATION.test(value);
export const isUuid = (value) => UUID.test(value);
export const isIpv4 = (value) => IPV4.test(value);
// Python's str.strip() on ASCII text: \t \n \v \f \r, \x1c-\x1f and space.
const PY_SPACE = /^[\t\n\x0b\x0c\r\x1c-\x1f ]|[\t\n\x0b\x0c\r\x1c-\x1f ]$/;
const HEXTET = /^[0-9A-Fa-f]{1,4}$/;
/** ipaddress.IPv6Address's parser (CPython 3.11), after formats.py's guards. */
export function isIpv6(value) {
    if (!isAscii(value) || value.includes("%") || PY_SPACE.test(value))
        return false;
    if (value.includes(".") && !isIpv4(value.slice(value.lastIndexOf(":") + 1))) {
        return false;
    }
    if (!value || value.includes("/"))
        return false;
    const parts = value.split(":");
    if (parts.length < 3)
        return false;
    if (parts[parts.length - 1].includes(".")) {
        // An IPv4 suffix (already checked above) stands for two hextets.
        parts.splice(parts.length - 1, 1, "0", "0");
    }
    if (parts.length > 9)
        return false;
    let skip = -1;
    for (let i = 1; i < parts.length - 1; i++) {
        if (!parts[i]) {
            if (skip >= 0)
                return false; // at most one "::"
            skip = i;
        }
    }
    let hi = parts.length;
    let lo = 0;
    if (skip >= 0) {
        hi = skip;
        lo = parts.length - skip - 1;
        if (!parts[0] && --hi)
            return false; // a leading ":" only as part of "::"
        if (!parts[parts.length - 1] && --lo)
            return false; // a trailing one too
        if (8 - (hi + lo) < 1)
            return false;
    }
    else if (parts.length !== 8 || !parts[0] || !parts[parts.length - 1]) {
        return false;
    }
    const used = [...parts.slice(0, hi), ...parts.slice(parts.length - lo)];
    return used.every((p) => HEXTET.test(p));
}
export function isEmail(value) {
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
    return isHostname(domain);
}
const IPVFUTURE = /^[vV][0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+$/;
export function isUri(value) {
    const m = URI.exec(value);
    if (!m)
        return false;
    const host = m.groups?.["host"];
    if (host && host.startsWith("[")) {
        const inner = host.slice(1, -1);
        if (inner.startsWith("v") || inner.startsWith("V"))
            return IPVFUTURE.test(inner);
        return isIpv6(inner);
    }
    return true;
}
/** The asserted formats: the same checks, verdict for verdict, as the Python package. */
export const FORMATS = Object.freeze({
    date: isDate,
    "date-time": isDateTime,
    duration: isDuration,
    email: isEmail,
    hostname: isHostname,
    "idn-email": idnEmail(isIpv4, isIpv6),
    "idn-hostname": isIdnHostname,
    ipv4: isIpv4,
    ipv6: isIpv6,
    "json-pointer": isJsonPointer,
    regex: isRegex,
    "relative-json-pointer": isRelativeJsonPointer,
    time: isTime,
    uri: isUri,
    "uri-template": isUriTemplate,
    uuid: isUuid,
    ...referenceFormats(isIpv6),
});
// -- multipleOf in decimal arithmetic ------------------------------------------------
const NUMBER_TEXT = /^(-?)([0-9]+)(?:\.([0-9]+))?(?:e([+-]?[0-9]+))?$/;
/** The shortest round-trip text of a finite double (like Python's repr) as m * 10**e. */
function decimal(x) {
    const m = NUMBER_TEXT.exec(String(x));
    const fraction = m[3] ?? "";
    const mantissa = BigInt(`${m[1]}${m[2]}${fraction}`);
    return [mantissa, Number(m[4] ?? 0) - fraction.length];
}
/**
 * Whether `value / divisor` is an integer, on the decimals the JSON text wrote:
 * 19.99 is a multiple of 0.01 although binary floating point says otherwise.
 */
export function isMultiple(value, divisor) {
    if (!Number.isFinite(value) || !Number.isFinite(divisor) || divisor === 0) {
        return false;
    }
    const [a, ea] = decimal(value);
    const [b, eb] = decimal(divisor);
    const e = Math.min(ea, eb);
    return (a * 10n ** BigInt(ea - e)) % (b * 10n ** BigInt(eb - e)) === 0n;
}
