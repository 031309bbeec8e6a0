// Copied by `contracts generate`. Do not edit.
// String formats the contracts assert. Aliases of `string`: they document intent
// and keep the exact wire text (validators check them).

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
