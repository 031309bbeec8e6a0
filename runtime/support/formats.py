"""``format``: checkers written to the RFCs that JSON Schema names, with a fast
path in pydantic-core's Rust regex for the common forms of each."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from .ecma_syntax import is_regex
from .idn import is_idn_email, is_idn_hostname
from .references import (
    FAST_URI,
    URI_TEMPLATE_ASCII,
    _compiled,
    is_iri,
    is_iri_reference,
    is_json_pointer,
    is_relative_json_pointer,
    is_uri_reference,
    is_uri_template,
)
from .types import fail

_DATE = re.compile(r"^([0-9]{4})-([0-9]{2})-([0-9]{2})$")
_TIME = re.compile(
    r"^([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?([Zz]|([+-])([0-9]{2}):([0-9]{2}))$"
)
_DATE_TIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})"
    r"(?:\.[0-9]+)?(?:[Zz]|([+-])([0-9]{2}:[0-9]{2}))"
)
_DURATION = re.compile(
    r"^P(?:(?:[0-9]+Y(?:[0-9]+M(?:[0-9]+D)?)?|[0-9]+M(?:[0-9]+D)?|[0-9]+D)"
    r"(?:T(?:[0-9]+H(?:[0-9]+M(?:[0-9]+S)?)?|[0-9]+M(?:[0-9]+S)?|[0-9]+S))?"
    r"|T(?:[0-9]+H(?:[0-9]+M(?:[0-9]+S)?)?|[0-9]+M(?:[0-9]+S)?|[0-9]+S)"
    r"|[0-9]+W)$"
)
_UUID = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)
_LABEL = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_IPV4 = re.compile(r"^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}"
                   r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$")  # fmt: skip
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]"
_LOCAL = re.compile(
    rf"^(?:{_ATEXT}+(?:\.{_ATEXT}+)*"
    r'|"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*")$'
)
_UNRESERVED = r"A-Za-z0-9\-._~"
_SUB_DELIMS = r"!$&'()*+,;="
_PCT = r"%[0-9A-Fa-f]{2}"
_PCHAR = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}:@]|{_PCT})"
_REG_NAME = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}]|{_PCT})*"


def _uri_pattern(host: str) -> str:
    return (
        r"^[A-Za-z][A-Za-z0-9+.\-]*:"
        rf"(?://(?:(?:[{_UNRESERVED}{_SUB_DELIMS}:]|{_PCT})*@)?"
        rf"{host}"
        r"(?::[0-9]*)?"
        rf"(?:/{_PCHAR}*)*"
        rf"|/?(?:{_PCHAR}+(?:/{_PCHAR}*)*)?)"
        rf"(?:\?(?:{_PCHAR}|[/?])*)?"
        rf"(?:#(?:{_PCHAR}|[/?])*)?$"
    )


# A relative reference (RFC 3986 section 4.2) without an authority, its first
# segment without a colon (which would read as a scheme)
_PCHAR_NO_COLON = rf"(?:[{_UNRESERVED}{_SUB_DELIMS}@]|{_PCT})"
_RELATIVE_PATH = rf"/?(?:{_PCHAR_NO_COLON}+(?:/{_PCHAR}*)*)?"
_QUERY_FRAGMENT = rf"(?:\?(?:{_PCHAR}|[/?])*)?(?:#(?:{_PCHAR}|[/?])*)?"


# The full language (compiled on first use: most URIs match FAST_URI)
_URI = _uri_pattern(
    rf"(?P<host>\[[0-9A-Fa-f:.vV\-{_UNRESERVED}{_SUB_DELIMS}]*\]|{_REG_NAME})"
)


_IPVFUTURE = re.compile(rf"[vV][0-9A-Fa-f]+\.[{_UNRESERVED}{_SUB_DELIMS}:]+")


def _days_in_month(year: int, month: int) -> int:
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _date_ok(year: int, month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= _days_in_month(year, month)


def _time_ok(hour: int, minute: int, second: int, sign: str | None, off: str) -> bool:
    off_h, off_m = (int(off[:2]), int(off[3:])) if sign else (0, 0)
    if hour > 23 or minute > 59 or second > 60 or off_h > 23 or off_m > 59:
        return False
    if second == 60:
        direction = -1 if sign == "-" else 1
        utc = (hour * 60 + minute - direction * (off_h * 60 + off_m)) % (24 * 60)
        return utc == 23 * 60 + 59
    return True


def is_date(value: str) -> bool:
    m = _DATE.fullmatch(value)
    return m is not None and _date_ok(int(m[1]), int(m[2]), int(m[3]))


def is_time(value: str) -> bool:
    m = _TIME.fullmatch(value)
    if m is None:
        return False
    offset = f"{m[7]}:{m[8]}" if m[6] else ""
    return _time_ok(int(m[1]), int(m[2]), int(m[3]), m[6], offset)


def is_date_time(value: str) -> bool:
    """RFC 3339 date-time: its fast pattern first (:data:`FAST_FORMATS`, a
    language inside the format's: no February 29, no leap second), else the full
    check, in one match (it is on every message's envelope)."""
    if _compiled(FAST_DATE_TIME).fullmatch(value) is not None:
        return True
    return _is_date_time_full(value)


def _is_date_time_full(value: str) -> bool:
    m = _DATE_TIME.fullmatch(value)
    return (
        m is not None
        and _date_ok(int(m[1]), int(m[2]), int(m[3]))
        and _time_ok(int(m[4]), int(m[5]), int(m[6]), m[7], m[8] or "")
    )


def is_duration(value: str) -> bool:
    return bool(_DURATION.match(value)) and not value.endswith("\n")


def is_uuid(value: str) -> bool:
    return bool(_UUID.match(value)) and not value.endswith("\n")


def is_ipv4(value: str) -> bool:
    return bool(_IPV4.match(value)) and not value.endswith("\n")


def is_ipv6(value: str) -> bool:
    if not value.isascii() or "%" in value or value.strip() != value:
        return False
    if "." in value:
        head, _, tail = value.rpartition(":")
        if not is_ipv4(tail):
            return False
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


def is_hostname(value: str) -> bool:
    if not value or not value.isascii() or len(value) > 253 or value.endswith("\n"):
        return False
    for label in value.split("."):
        if not _LABEL.fullmatch(label):
            return False
        if label[2:4] == "--" and label[:2].lower() != "xn":
            return False
        if label[:4].lower() == "xn--" and not _is_a_label(label):
            return False
    return True


def _is_a_label(label: str) -> bool:
    """An "xn--" label that decodes to a valid IDNA2008 U-label (RFC 5890-5893:
    canonical Punycode, code point classes, CONTEXTJ/CONTEXTO, the bidi rule),
    by the ``idna`` package. Imported here: plain ASCII host names never need it.
    The Node runtime applies the same rules to a table made from idna's data."""
    import idna

    try:
        idna.ulabel(label)
    except ValueError:  # idna.IDNAError is a UnicodeError
        return False
    return True


def is_email(value: str) -> bool:
    local, at, domain = value.rpartition("@")
    if not at or not local or not domain or not _LOCAL.fullmatch(local):
        return False
    if domain.startswith("[") and domain.endswith("]"):
        literal = domain[1:-1]
        if literal[:5].lower() == "ipv6:":
            return is_ipv6(literal[5:])
        return is_ipv4(literal)
    return is_hostname(domain)


def is_uri(value: str) -> bool:
    """RFC 3986 URI: :data:`FAST_URI` first (the common forms, with no
    alternation per character: 6-8x faster on webhook payloads' URLs), else the
    full check; the same verdicts (tests/test_format_fast_paths.py)."""
    if _compiled(FAST_URI).fullmatch(value) is not None:
        return True
    return _is_uri_full(value)


def _is_uri_full(value: str) -> bool:
    m = _compiled(_URI).match(value)
    if not m or value.endswith("\n"):
        return False
    host = m.group("host")
    if host and host.startswith("["):
        inner = host[1:-1]
        if inner[:1] in ("v", "V"):
            return bool(_IPVFUTURE.fullmatch(inner))
        return is_ipv6(inner)
    return True


FORMATS: dict[str, Callable[[str], bool]] = {
    "date": is_date,
    "date-time": is_date_time,
    "duration": is_duration,
    "email": is_email,
    "hostname": is_hostname,
    "idn-email": is_idn_email,
    "idn-hostname": is_idn_hostname,
    "ipv4": is_ipv4,
    "ipv6": is_ipv6,
    "iri": is_iri,
    "iri-reference": is_iri_reference,
    "json-pointer": is_json_pointer,
    "regex": is_regex,
    "relative-json-pointer": is_relative_json_pointer,
    "time": is_time,
    "uri": is_uri,
    "uri-reference": is_uri_reference,
    "uri-template": is_uri_template,
    "uuid": is_uuid,
}


# Languages inside each format's own (Rust regex, in pydantic-core: no Python call),
# anchored, ASCII classes only. A string they match is valid; any other string is
# decided by the checker in FORMATS, so the verdicts are exactly the checker's.
_DAY = (
    r"(?:(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])"
    r"|(?:0[13-9]|1[0-2])-(?:29|30)|(?:0[13578]|1[02])-31)"
)  # February 29 (leap years) is left to the checker
_CLOCK = (
    r"(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\.[0-9]+)?"
    r"(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])"
)  # leap seconds are left to the checker
FAST_DATE_TIME = rf"[0-9]{{4}}-{_DAY}[Tt]{_CLOCK}"
FAST_FORMATS: dict[str, str] = {
    "date": rf"^[0-9]{{4}}-{_DAY}$",
    "date-time": rf"^{FAST_DATE_TIME}$",
    "time": rf"^{_CLOCK}$",
    "uuid": _UUID.pattern,
    "ipv4": _IPV4.pattern,
    "duration": _DURATION.pattern,
    # _URI without the bracketed (IP literal) host, which needs the IPv6 check
    "uri": _uri_pattern(_REG_NAME),
    "uri-template": rf"^{URI_TEMPLATE_ASCII}$",
    # "uri"'s fast pattern, or a relative reference with neither an authority nor
    # a colon before its first "/", "?" or "#"
    "uri-reference": (
        rf"^(?:{_uri_pattern(_REG_NAME)[1:-1]}|{_RELATIVE_PATH}{_QUERY_FRAGMENT})$"
    ),
}


# The metadata key that marks a ``format`` step in a model's core schema: for a
# contract that needs the full check, the runtime builds a validator without these
# steps where no union's choice can depend on them (the full check has asserted
# every format already), so each format is checked once per value.
FORMAT_STEP = "contracts_format"


class _Format:
    """The ``format`` assertion: after the string checks, the fast pattern in
    :data:`FAST_FORMATS` (if any), and only when it does not match, the checker.
    The step is marked with :data:`FORMAT_STEP` in its metadata."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.checker = FORMATS[name]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        checker, name = self.checker, self.name

        def check(value: str) -> str:
            if not checker(value):
                raise fail("format", "a valid {format} string", format=name)
            return value

        inner = handler(source)
        fast = FAST_FORMATS.get(name)
        if fast is None:
            return core_schema.no_info_after_validator_function(
                check, inner, metadata={FORMAT_STEP: name}
            )
        return core_schema.chain_schema(
            [
                inner,
                core_schema.union_schema(
                    [
                        core_schema.str_schema(pattern=fast),
                        core_schema.no_info_plain_validator_function(check),
                    ],
                    mode="left_to_right",
                    custom_error_type="format",
                    custom_error_message="a valid {format} string",
                    custom_error_context={"format": name},
                    metadata={FORMAT_STEP: name},
                ),
            ]
        )


def format_(name: str) -> _Format:
    """The ``format`` assertion for one of :data:`FORMATS`."""
    return _Format(name)
