type Check = (value: string) => boolean;
/** The reference formats, given the runtime's ipv6 checker. */
export declare function referenceFormats(isIpv6: Check): Record<"uri-reference" | "iri" | "iri-reference", Check>;
export declare const isUriTemplate: (value: string) => boolean;
export declare const isJsonPointer: (value: string) => boolean;
export declare const isRelativeJsonPointer: (value: string) => boolean;
/** An ECMA-262 regular expression, with the `u` flag JSON Schema patterns use. */
export declare function isRegex(value: string): boolean;
export declare function isIdnHostname(value: string): boolean;
/** idn.py's is_idn_email, given the runtime's ipv4 and ipv6 checkers. */
export declare function idnEmail(isIpv4: Check, isIpv6: Check): Check;
export {};
