export { isHostname, punycodeDecode } from "./_hostname.js";
/** RFC 3339 date-time, e.g. `2026-11-24T09:30:00Z`. */
export type IsoDateTime = string;
/** RFC 3339 full-date, e.g. `2026-11-24`. */
export type IsoDate = string;
/** RFC 3339 full-time with offset, e.g. `09:30:00+01:00`. */
export type IsoTime = string;
/** ISO 8601 duration as RFC 3339 appendix A gives it, e.g. `P1DT2H`. */
export type IsoDuration = string;
/** RFC 4122 UUID, any case. */
export type Uuid = string;
/** RFC 5321 mailbox, e.g. `ada@example.com`. */
export type Email = string;
/** RFC 3986 absolute URI. */
export type Uri = string;
/** RFC 1123 host name. */
export type Hostname = string;
/** Dotted-quad IPv4 address. */
export type Ipv4 = string;
/** RFC 4291 IPv6 address. */
export type Ipv6 = string;
export declare function isDate(value: string): boolean;
export declare function isTime(value: string): boolean;
/**
 * A full-date, "T" or "t", a full-time. (A date holds no "T" and a time none either,
 * so the separator is the eleventh character.)
 */
export declare function isDateTime(value: string): boolean;
export declare const isDuration: (value: string) => boolean;
export declare const isUuid: (value: string) => boolean;
export declare const isIpv4: (value: string) => boolean;
/** ipaddress.IPv6Address's parser (CPython 3.11), after formats.py's guards. */
export declare function isIpv6(value: string): boolean;
export declare function isEmail(value: string): boolean;
export declare function isUri(value: string): boolean;
export type FormatName = "date" | "date-time" | "duration" | "email" | "hostname" | "idn-email" | "idn-hostname" | "ipv4" | "ipv6" | "iri" | "iri-reference" | "json-pointer" | "regex" | "relative-json-pointer" | "time" | "uri" | "uri-reference" | "uri-template" | "uuid";
/** The asserted formats: the same checks, verdict for verdict, as the Python package. */
export declare const FORMATS: Readonly<Record<FormatName, (value: string) => boolean>>;
/**
 * Whether `value / divisor` is an integer, on the decimals the JSON text wrote:
 * 19.99 is a multiple of 0.01 although binary floating point says otherwise.
 */
export declare function isMultiple(value: number, divisor: number): boolean;
