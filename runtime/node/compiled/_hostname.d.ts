/**
 * The code points `text` (ASCII, the part after "xn--") decodes to as Punycode
 * (RFC 3492 section 6.2), or null exactly where Python's `bytes.decode("punycode")`
 * fails: a character that is not a digit (letters in either case), a truncated
 * variable-length integer, or a code point above U+10FFFF.
 */
export declare function punycodeDecode(text: string): number[] | null;
/** idna's ulabel on an "xn--" label: decodes, is canonical, and a valid U-label. */
export declare function isALabel(label: string): boolean;
export declare function isHostname(value: string): boolean;
