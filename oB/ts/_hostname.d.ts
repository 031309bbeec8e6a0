/**
 * The code points `text` (ASCII, the part after "xn--") decodes to as Punycode
 * (RFC 3492 section 6.2), or null exactly where Python's `bytes.decode("punycode")`
 * fails: a character that is not a digit (letters in either case), a truncated
 * variable-length integer, or a code point above U+10FFFF.
 */
export declare function punycodeDecode(text: string): number[] | null;
/** Python's `str.encode("punycode")` of a list of code points (RFC 3492 6.3). */
export declare function punycodeEncode(cps: readonly number[]): string;
/** Whether a valid label (as code points) has a right-to-left character. */
export declare const isRtlLabel: (cps: readonly number[]) => boolean;
/** The bidi rule of RFC 5893 section 2 on a valid label, as idna's check_bidi. */
export declare function bidiRule(cps: readonly number[], checkLtr: boolean): boolean;
/** idna's check_label on a U-label (as code points). */
export declare function isULabel(cps: readonly number[]): boolean;
/** idna's ulabel on an "xn--" label: decodes, is canonical, and a valid U-label. */
export declare function isALabel(label: string): boolean;
export declare function isHostname(value: string): boolean;
