"""Formats of references: ``uri-reference``, ``iri``, ``iri-reference`` (RFC 3986,
RFC 3987), ``uri-template`` (RFC 6570), ``json-pointer`` (RFC 6901) and
``relative-json-pointer``. Each is one anchored regular expression (the Node
runtime uses the same text, with the ``u`` flag) plus the IP-literal host check
``uri`` already makes."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache


@cache
def _compiled(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``pattern`` compiled on its first use, not at import: the Unicode classes of
    IRIs and URI templates take about 15 ms to compile, which every package would
    pay when imported (the package's ``_support`` imports this module)."""
    return re.compile(pattern, flags)


_UNRESERVED = r"A-Za-z0-9\-._~"
_SUB_DELIMS = r"!$&'()*+,;="
_PCT = r"%[0-9A-Fa-f]{2}"
# RFC 3987 ucschar and iprivate
_UCSCHAR = (
    r"\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef"
    r"\U00010000-\U0001fffd\U00020000-\U0002fffd\U00030000-\U0003fffd"
    r"\U00040000-\U0004fffd\U00050000-\U0005fffd\U00060000-\U0006fffd"
    r"\U00070000-\U0007fffd\U00080000-\U0008fffd\U00090000-\U0009fffd"
    r"\U000a0000-\U000afffd\U000b0000-\U000bfffd\U000c0000-\U000cfffd"
    r"\U000d0000-\U000dfffd\U000e1000-\U000efffd"
)
_IPRIVATE = r"\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"


def _runs(chars: str) -> str:
    """Any string of ``chars`` and percent-encodings, as runs of ``chars``: ``re``
    scans a run of a class in one loop, where ``(?:[chars]|%XX)*`` costs a step
    of the alternation per character. Possessive (``*+``), as nothing that
    follows it can start with one of ``chars`` (each caller's next token is a
    delimiter the class leaves out, or the end)."""
    return rf"[{chars}]*+(?:{_PCT}[{chars}]*+)*+"


_PCHARS = rf"{_UNRESERVED}{_SUB_DELIMS}:@"  # pchar's characters, "%" aside
# A language inside "uri"'s (formats._URI) and inside "iri"'s, "uri-reference"'s
# and "iri-reference"'s: no userinfo and no IP literal, so no "[" anywhere and
# nothing left to check after the match; fullmatch, and no class holds a line
# break. A string it matches is valid; any other string gets the full check
# (formats._is_uri_full, _reference_full).
FAST_URI = (
    r"[A-Za-z][A-Za-z0-9+.\-]*+:"
    rf"(?://{_runs(_UNRESERVED + _SUB_DELIMS)}(?::[0-9]*+)?(?:/{_runs(_PCHARS + '/')})?"
    rf"|/?(?:(?:[{_PCHARS}]|{_PCT}){_runs(_PCHARS + '/')})?)"
    rf"(?:\?{_runs(_PCHARS + '/?')})?(?:#{_runs(_PCHARS + '/?')})?"
)


# A relative reference (RFC 3986 section 4.2) in the same way: a path that starts
# with "/" but not "//" (no authority), or one whose first segment has no colon
# (which would read as a scheme), or none; then a query and a fragment. Inside
# "uri-reference"'s and "iri-reference"'s languages.
_NO_COLON = rf"{_UNRESERVED}{_SUB_DELIMS}@"
FAST_RELATIVE_REFERENCE = (
    rf"(?:/(?:(?:[{_PCHARS}]|{_PCT}){_runs(_PCHARS + '/')})?"
    rf"|(?:[{_NO_COLON}]|{_PCT}){_runs(_NO_COLON)}(?:/{_runs(_PCHARS + '/')})?)?"
    rf"(?:\?{_runs(_PCHARS + '/?')})?(?:#{_runs(_PCHARS + '/?')})?"
)
_FAST_REFERENCE = rf"(?:{FAST_URI}|{FAST_RELATIVE_REFERENCE})"


def reference_pattern(iri: bool) -> str:
    """RFC 3986 URI-reference (RFC 3987 IRI-reference when ``iri``), with the
    scheme optional; a reference without a scheme must not have a colon in its
    first path segment (checked by :func:`_reference`)."""
    unreserved = _UNRESERVED + (_UCSCHAR if iri else "")
    pchar = rf"(?:[{unreserved}{_SUB_DELIMS}:@]|{_PCT})"
    query = rf"(?:{pchar}|[/?{_IPRIVATE if iri else ''}])*"
    fragment = rf"(?:{pchar}|[/?])*"
    host = rf"(?P<host>\[[^\]]*\]|(?:[{unreserved}{_SUB_DELIMS}]|{_PCT})*)"
    userinfo = rf"(?:(?:[{unreserved}{_SUB_DELIMS}:]|{_PCT})*@)?"
    return (
        r"(?:(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*):)?"
        rf"(?://{userinfo}{host}(?::[0-9]*)?(?:/{pchar}*)*"
        rf"|/?(?:{pchar}+(?:/{pchar}*)*)?)"
        rf"(?:\?{query})?(?:#{fragment})?"
    )


@cache
def _reference_regex(iri: bool) -> re.Pattern[str]:
    return _compiled(reference_pattern(iri))


_IPVFUTURE = rf"[vV][0-9A-Fa-f]+\.[{_UNRESERVED}{_SUB_DELIMS}:]+"


def _reference(iri: bool, value: str, absolute: bool) -> bool:
    """:data:`FAST_URI` (and :data:`FAST_RELATIVE_REFERENCE` unless ``absolute``)
    first, in ASCII: a match is valid without the full expression (whose Unicode
    classes take 10-15 ms to compile for IRIs); any other value gets the full
    check, so the verdicts are its own (tests/test_format_fast_paths.py)."""
    fast = FAST_URI if absolute else _FAST_REFERENCE
    if _compiled(fast).fullmatch(value) is not None:
        return True
    return _reference_full(iri, value, absolute)


def _reference_full(iri: bool, value: str, absolute: bool) -> bool:
    m = _reference_regex(iri).fullmatch(value)
    if m is None:
        return False
    if m["scheme"] is None:
        if absolute:
            return False
        first = re.split(r"[/?#]", value, maxsplit=1)[0]
        if ":" in first:
            return False
    host = m["host"]
    if host is not None and host.startswith("["):
        inner = host[1:-1]
        if inner[:1] in ("v", "V"):
            return _compiled(_IPVFUTURE).fullmatch(inner) is not None
        from .formats import is_ipv6  # imported here: formats imports this module

        return is_ipv6(inner)
    return True


def is_uri_reference(value: str) -> bool:
    return _reference(False, value, absolute=False)


def is_iri(value: str) -> bool:
    return _reference(True, value, absolute=True)


def is_iri_reference(value: str) -> bool:
    return _reference(True, value, absolute=False)


# RFC 6570 section 2 (with errata 6937: an apostrophe is a literal)
_VARCHAR = rf"(?:[A-Za-z0-9_]|{_PCT})"
_VARSPEC = rf"{_VARCHAR}(?:\.?{_VARCHAR})*(?::[1-9][0-9]{{0,3}}|\*)?"
URI_TEMPLATE = (
    rf"(?:[!#$&'()*+,\-./0-9:;=?@A-Z\[\]_a-z~{_UCSCHAR}{_IPRIVATE}]|{_PCT}"
    rf"|\{{[+#./;?&=,!@|]?{_VARSPEC}(?:,{_VARSPEC})*\}})*"
)

# Its ASCII part: what most templates are (a URL with {variables}). A fast pattern for
# generated models (pydantic-core matches it in Rust); a match is a valid template.
URI_TEMPLATE_ASCII = (
    rf"(?:[!#$&'()*+,\-./0-9:;=?@A-Z\[\]_a-z~]|{_PCT}"
    rf"|\{{[+#./;?&=,!@|]?{_VARSPEC}(?:,{_VARSPEC})*\}})*"
)

# The ASCII language again, written for Python's ``re``: literals in runs (one loop
# of a class, where the alternation above costs a step per character), each run
# and variable name possessive (what follows it, "%", "{", "}", ".", ":", "*",
# "," or the end, is outside its class). A language inside URI_TEMPLATE_ASCII's.
_NAME_CHAR = rf"(?:[A-Za-z0-9_]|{_PCT})"
_FAST_VARSPEC = rf"{_NAME_CHAR}++(?:\.{_NAME_CHAR}++)*+(?::[1-9][0-9]{{0,3}}|\*)?"
_LITERALS = r"[!#$&'()*+,\-./0-9:;=?@A-Z\[\]_a-z~]*+"
FAST_URI_TEMPLATE = (
    rf"{_LITERALS}(?:(?:{_PCT}"
    rf"|\{{[+#./;?&=,!@|]?{_FAST_VARSPEC}(?:,{_FAST_VARSPEC})*+\}}){_LITERALS})*+"
)

JSON_POINTER = r"(?:/(?:[^~/]|~[01])*)*"
# draft-bhutton-relative-json-pointer-00, with its index manipulation
RELATIVE_JSON_POINTER = (
    rf"(?:0|[1-9][0-9]*)(?:#|(?:[+-](?:0|[1-9][0-9]*))?{JSON_POINTER})"
)


def _full(pattern: str, flags: int = 0) -> Callable[[str], bool]:
    def check(value: str) -> bool:
        return _compiled(pattern, flags).fullmatch(value) is not None

    return check


_uri_template_ascii = _full(URI_TEMPLATE_ASCII)
_uri_template = _full(URI_TEMPLATE)


def is_uri_template(value: str) -> bool:
    """RFC 6570: its ASCII part first (:data:`FAST_URI_TEMPLATE`, 6x faster than
    :data:`URI_TEMPLATE_ASCII` on webhook payloads' templates, then that one:
    languages inside the full one, so a template they match is valid), the full
    expression only for a value neither matches. The same verdicts; the full
    one's Unicode classes take 8-10 ms to compile, which the first refusal that
    words a URL template (GitHub's ``events_url``) paid, the ASCII ones under 1 ms."""
    return (
        _compiled(FAST_URI_TEMPLATE).fullmatch(value) is not None
        or _uri_template_ascii(value)
        or _uri_template(value)
    )


is_json_pointer = _full(JSON_POINTER, re.DOTALL)
is_relative_json_pointer = _full(RELATIVE_JSON_POINTER, re.DOTALL)
