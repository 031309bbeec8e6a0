// The `hostname` format: the rules of
// _support.py's is_hostname, which checks A-labels with the Python `idna`
// package (`idna.ulabel`). Here the same steps run on _idna.ts, a table made
// from that package's data (`python -m codegen.tools.idna_table`):
// Punycode as Python's codec decodes and encodes it, the canonical A-label
// check of RFC 5891 section 5.3, then the U-label rules of RFC 5891 section
// 4.2 (NFC, hyphens, no leading mark), RFC 5892 (code point classes, CONTEXTJ,
// CONTEXTO) and the bidi rule of RFC 5893. Labels without "xn--" never need
// the table.
import { IDNA_RUNS } from "./_idna.js";
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
function adapt(delta, first, count) {
    // RFC 3492 section 6.1, base 36, tmin 1, tmax 26, skew 38, damp 700.
    let d = Math.floor(delta / (first ? 700 : 2));
    d += Math.floor(d / count);
    let k = 0;
    while (d > 455) {
        d = Math.floor(d / 35);
        k += 36;
    }
    return k + Math.floor((36 * d) / (d + 38));
}
const threshold = (k, bias) => Math.min(Math.max(36 * k - bias, 1), 26);
/**
 * The code points `text` (ASCII, the part after "xn--") decodes to as Punycode
 * (RFC 3492 section 6.2), or null exactly where Python's `bytes.decode("punycode")`
 * fails: a character that is not a digit (letters in either case), a truncated
 * variable-length integer, or a code point above U+10FFFF.
 */
export function punycodeDecode(text) {
    const dash = text.lastIndexOf("-");
    const out = []; // basic code points: everything before the last "-"
    for (let at = 0; at < dash; at++)
        out.push(text.charCodeAt(at));
    const digits = text.slice(dash + 1);
    let n = 0x80;
    let i = -1;
    let bias = 72;
    let pos = 0;
    while (pos < digits.length) {
        const first = pos === 0;
        let delta = 0;
        let w = 1;
        for (let k = 1;; k++) {
            if (pos >= digits.length)
                return null;
            const c = digits.charCodeAt(pos++);
            // Python upper-cases the digits first: A-Z and a-z are 0-25, 0-9 are 26-35.
            let digit = -1;
            if (c >= 0x30 && c <= 0x39)
                digit = c - 22;
            else if (c >= 0x41 && c <= 0x5a)
                digit = c - 0x41;
            else if (c >= 0x61 && c <= 0x7a)
                digit = c - 0x61;
            if (digit < 0)
                return null;
            const t = threshold(k, bias);
            delta += digit * w;
            // Past 2**53 the code point is far beyond U+10FFFF: Python fails as well.
            if (delta > Number.MAX_SAFE_INTEGER)
                return null;
            if (digit < t)
                break;
            w *= 36 - t;
        }
        i += delta + 1;
        n += Math.floor(i / (out.length + 1));
        if (n > 0x10ffff)
            return null;
        i %= out.length + 1;
        out.splice(i, 0, n);
        bias = adapt(delta, first, out.length);
    }
    return out;
}
const DIGITS = "abcdefghijklmnopqrstuvwxyz0123456789";
/** Python's `str.encode("punycode")` of a list of code points (RFC 3492 6.3). */
export function punycodeEncode(cps) {
    const basic = cps.filter((c) => c < 0x80);
    const extended = [...new Set(cps.filter((c) => c >= 0x80))].sort((a, b) => a - b);
    let out = "";
    let bias = 72;
    let points = 0;
    let oldChar = 0x80;
    let oldIndex = -1;
    for (const c of extended) {
        let delta = (cps.filter((x) => x < c).length + 1) * (c - oldChar);
        let index = -1;
        for (let pos = 0; pos < cps.length; pos++) {
            const here = cps[pos];
            if (here < c)
                index += 1;
            else if (here === c) {
                index += 1;
                delta += index - oldIndex;
                let q = delta - 1;
                for (let k = 1;; k++) {
                    const t = threshold(k, bias);
                    if (q < t) {
                        out += DIGITS.charAt(q);
                        break;
                    }
                    out += DIGITS.charAt(t + ((q - t) % (36 - t)));
                    q = Math.floor((q - t) / (36 - t));
                }
                bias = adapt(delta - 1, points === 0, basic.length + points + 1);
                points += 1;
                oldIndex = index;
                delta = 0;
            }
        }
        oldChar = c;
    }
    const base = String.fromCharCode(...basic);
    return base ? `${base}-${out}` : out;
}
let table = null;
function readTable() {
    const runs = IDNA_RUNS.split(",");
    const starts = new Uint32Array(runs.length);
    const values = new Uint16Array(runs.length);
    let start = 0;
    runs.forEach((run, at) => {
        const [gap = "0", value = "0"] = run.split(":");
        start += parseInt(gap, 36);
        starts[at] = start;
        values[at] = parseInt(value, 36);
    });
    return { starts, values };
}
function properties(cp) {
    table ??= readTable();
    const { starts, values } = table;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (starts[mid] <= cp)
            lo = mid;
        else
            hi = mid - 1;
    }
    return values[lo];
}
const PVALID = 1;
const CONTEXTJ = 2;
const CONTEXTO = 3;
const cls = (p) => p & 3;
const BIDI = [null, "L", "R", "AL", "AN", "EN", "ES", "CS", "ET", "ON", "BN", "NSM"];
const bidi = (p) => BIDI[(p >> 2) & 15] ?? null;
const isMark = (p) => (p & 64) !== 0;
const isVirama = (p) => (p & 128) !== 0;
const isUnnamed = (p) => (p & 256) !== 0;
const JOINING = [null, "T", "L", "D", "R"];
const joining = (p) => JOINING[(p >> 9) & 7] ?? null;
const SCRIPTS = [null, "Greek", "Hebrew", "Hiragana", "Katakana", "Han"];
const script = (p) => SCRIPTS[(p >> 12) & 7] ?? null;
/** RFC 5892 appendix A.1 and A.2, as idna's valid_contextj. */
function contextJ(cps, props, pos) {
    if (pos > 0 && isUnnamed(props[pos - 1]))
        return false; // idna: no combining class
    const afterVirama = pos > 0 && isVirama(props[pos - 1]);
    if (cps[pos] === 0x200d)
        return afterVirama;
    if (cps[pos] !== 0x200c)
        return false;
    if (afterVirama)
        return true;
    const joins = (from, step, sides) => {
        for (let i = from; i >= 0 && i < cps.length; i += step) {
            const type = joining(props[i]);
            if (type !== "T")
                return type !== null && sides.includes(type);
        }
        return false;
    };
    return joins(pos - 1, -1, ["L", "D"]) && joins(pos + 1, 1, ["R", "D"]);
}
/** RFC 5892 appendix A.3 to A.9, as idna's valid_contexto. */
function contextO(cps, props, pos) {
    const cp = cps[pos];
    const last = cps.length - 1;
    if (cp === 0xb7) {
        return pos > 0 && pos < last && cps[pos - 1] === 0x6c && cps[pos + 1] === 0x6c;
    }
    if (cp === 0x375)
        return pos < last && script(props[pos + 1]) === "Greek";
    if (cp === 0x5f3 || cp === 0x5f4)
        return pos > 0 && script(props[pos - 1]) === "Hebrew";
    if (cp === 0x30fb) {
        return cps.some((c, i) => c !== 0x30fb && ["Hiragana", "Katakana", "Han"].includes(script(props[i]) ?? ""));
    }
    const within = (lo, hi) => cps.some((c) => c >= lo && c <= hi);
    if (cp >= 0x660 && cp <= 0x669)
        return !within(0x6f0, 0x6f9);
    if (cp >= 0x6f0 && cp <= 0x6f9)
        return !within(0x660, 0x669);
    return false;
}
const RTL_ALLOWED = new Set(["R", "AL", "AN", "EN", "ES", "CS", "ET", "ON", "BN", "NSM"]);
const LTR_ALLOWED = new Set(["L", "EN", "ES", "CS", "ET", "ON", "BN", "NSM"]);
/** The bidi class of a code point of a valid label (ASCII ones are LDH). */
const bidiOf = (cp) => cp >= 0x80 ? bidi(properties(cp)) : cp === 0x2d ? "ES" : cp >= 0x30 && cp <= 0x39 ? "EN" : "L";
/** Whether a valid label (as code points) has a right-to-left character. */
export const isRtlLabel = (cps) => cps.some((cp) => ["R", "AL", "AN"].includes(bidiOf(cp) ?? ""));
/** The bidi rule of RFC 5893 section 2 on a valid label, as idna's check_bidi. */
export function bidiRule(cps, checkLtr) {
    return bidiOk([], checkLtr, cps);
}
/** The bidi rule of RFC 5893 section 2, as idna's check_bidi. */
function bidiOk(props, checkLtr = false, cps = null) {
    const classes = cps ? cps.map(bidiOf) : props.map(bidi);
    if (!checkLtr && !classes.some((c) => c === "R" || c === "AL" || c === "AN"))
        return true;
    const rtl = classes[0] === "R" || classes[0] === "AL";
    if (!rtl && classes[0] !== "L")
        return false;
    const allowed = rtl ? RTL_ALLOWED : LTR_ALLOWED;
    const endings = rtl ? ["R", "AL", "EN", "AN"] : ["L", "EN"];
    let validEnding = false;
    let numbers = null;
    for (const c of classes) {
        if (c === null || !allowed.has(c))
            return false;
        if (endings.includes(c))
            validEnding = true;
        else if (c !== "NSM")
            validEnding = false;
        if (rtl && (c === "AN" || c === "EN")) {
            if (numbers === null)
                numbers = c;
            else if (numbers !== c)
                return false;
        }
    }
    return validEnding;
}
/** idna's check_label on a U-label (as code points). */
export function isULabel(cps) {
    if (cps.length === 0 || cps.length > 254)
        return false;
    if (cps[2] === 0x2d && cps[3] === 0x2d)
        return false;
    if (cps[0] === 0x2d || cps[cps.length - 1] === 0x2d)
        return false;
    const props = cps.map(properties);
    if (isMark(props[0]))
        return false;
    for (let pos = 0; pos < cps.length; pos++) {
        const kind = cls(props[pos]);
        if (kind === PVALID)
            continue;
        if (kind === CONTEXTJ && contextJ(cps, props, pos))
            continue;
        if (kind === CONTEXTO && contextO(cps, props, pos))
            continue;
        return false; // DISALLOWED (or unknown), or a context rule fails
    }
    // Every code point is known to the table's Unicode version here, so NFC gives
    // the same answer in any later version (Unicode's normalization stability).
    const text = String.fromCodePoint(...cps);
    return text.normalize("NFC") === text && bidiOk(props);
}
/** idna's ulabel on an "xn--" label: decodes, is canonical, and a valid U-label. */
export function isALabel(label) {
    const text = label.toLowerCase().slice(4);
    if (!text || text.endsWith("-"))
        return false;
    const cps = punycodeDecode(text);
    return cps !== null && punycodeEncode(cps) === text && isULabel(cps);
}
export function isHostname(value) {
    if (!value || !/^[\x00-\x7f]*$/.test(value) || value.length > 253 || value.endsWith("\n")) {
        return false;
    }
    for (const label of value.split(".")) {
        if (!LABEL.test(label))
            return false;
        if (label.slice(2, 4) === "--" && label.slice(0, 2).toLowerCase() !== "xn")
            return false;
        if (label.slice(0, 4).toLowerCase() === "xn--" && !isALabel(label))
            return false;
    }
    return true;
}
