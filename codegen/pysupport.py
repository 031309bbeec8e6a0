"""Runtime support for generated contract models (copied verbatim into the package).

Strict JSON types, format checks written to the RFCs that JSON Schema names, and
comparisons with JSON's equality. Depends on pydantic, the standard library and, for
IDNA2008 host name labels, the ``idna`` package.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Callable, Iterable, Sequence
from fractions import Fraction
from typing import Annotated, Any, Self, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    GetCoreSchemaHandler,
    Strict,
)
from pydantic_core import PydanticCustomError, core_schema

__all__ = [
    "Bool",
    "Int",
    "Model",
    "Number",
    "Opt",
    "Str",
    "StrictInt",
    "check_object",
    "ecma_regex",
    "enum",
    "format_",
    "is_multiple",
    "json_equal",
    "json_int",
    "multiple_of",
    "never",
    "not_kinds",
    "not_null",
    "pattern",
    "unique",
    "values",
]


def _fail(kind: str, message: str, **context: Any) -> PydanticCustomError:
    return PydanticCustomError(kind, message, context)


def _float_int(value: float) -> int:
    if value.is_integer():
        return int(value)
    raise ValueError("not an integer")


class _JsonInt:
    """JSON Schema's integer: a number with a zero fractional part, so 5.0 is one;
    "5" and true are not. An int is checked in pydantic-core; only a float calls
    Python. Placed after a field's bounds, which then stay in pydantic-core too."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        whole = core_schema.union_schema(
            [
                core_schema.int_schema(strict=True),
                core_schema.no_info_after_validator_function(
                    _float_int, core_schema.float_schema(strict=True)
                ),
            ],
            mode="left_to_right",
            custom_error_type="int_type",
        )
        return core_schema.chain_schema([whole, handler(source)])


json_int = _JsonInt()
Str = Annotated[str, Strict()]
Bool = Annotated[bool, Strict()]
StrictInt = Annotated[int, Strict()]
Int = Annotated[int, Strict(), json_int]
Number = Annotated[float, Strict()]


class Model(BaseModel):
    """Base of every generated model.

    Python code may construct models by field name; JSON is only read by alias
    (the property name the schema declares). Dumps use aliases and leave out
    fields that were never set, so a valid message round-trips unchanged.
    """

    model_config = ConfigDict(
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        protected_namespaces=(),
    )

    @classmethod
    def from_json(cls, data: str | bytes | bytearray) -> Self:
        """Validate JSON text against the contract (properties by JSON name only)."""
        return cls.model_validate_json(data, by_alias=True, by_name=False)

    def to_json(self) -> str:
        """The JSON text of this message: unset optional fields are left out."""
        return self.model_dump_json(by_alias=True, exclude_unset=True)

    def to_dict(self) -> dict[str, Any]:
        """The JSON-compatible dict of this message (unset fields left out)."""
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)


def _reject_null(value: Any) -> Any:
    if value is None:
        raise _fail(
            "not_null", "a non-null value (the property is optional: leave it out)"
        )
    return value


class _NotNull:
    """An optional, non-nullable field: absent is fine, an explicit ``null`` is not.
    The ``None`` branch of ``X | None`` is dropped from the validator (so ``null``
    fails X's own check, in pydantic-core); the Python default stays ``None``."""

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        schema = handler(source)
        if schema["type"] == "nullable":
            inner: core_schema.CoreSchema = schema["schema"]
            return inner
        return core_schema.no_info_before_validator_function(_reject_null, schema)


not_null = _NotNull()


T = TypeVar("T")

Opt = Annotated[T | None, not_null]
"""``Opt[X]``: a property that may be absent (``None`` in Python) but not ``null``."""


def _never(value: Any) -> Any:
    raise _fail("never", "no value at all (the schema is false)")


never = AfterValidator(_never)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def not_kinds(*kinds: str) -> AfterValidator:
    """Any JSON value except those of the given kinds (for untyped schemas)."""
    excluded = frozenset(kinds)

    def check(value: Any) -> Any:
        if _kind(value) in excluded:
            raise _fail(
                "type_error",
                "{expected}",
                expected="a value other than " + " or ".join(sorted(excluded)),
                got=_kind(value),
            )
        return value

    return AfterValidator(check)


def json_equal(a: Any, b: Any) -> bool:
    """Equality as JSON Schema defines it: 1 == 1.0, true != 1, deep for containers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(
            json_equal(x, y) for x, y in zip(a, b, strict=True)
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def enum(*allowed: Any) -> BeforeValidator:
    """Scalars compared as JSON: returns the declared value (1.0 becomes 1)."""

    def check(value: Any) -> Any:
        for candidate in allowed:
            if json_equal(value, candidate):
                return candidate
        raise _fail(
            "enum",
            "one of {expected}",
            expected=", ".join(_show(v) for v in allowed),
        )

    return BeforeValidator(check)


def values(*allowed: Any) -> BeforeValidator:
    """``enum``/``const`` with arrays, objects or fractions, compared as JSON."""
    return enum(*allowed)


def _show(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _hashable(value: Any) -> Any:
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, int | float):
        return ("n", value)
    if isinstance(value, list):
        return ("a", tuple(_hashable(v) for v in value))
    if isinstance(value, dict):
        return ("o", frozenset((k, _hashable(v)) for k, v in value.items()))
    if isinstance(value, BaseModel):
        return _hashable(value.model_dump(mode="json", by_alias=True))
    return ("s", value)


def _check_unique(items: Sequence[Any]) -> Sequence[Any]:
    seen: set[Any] = set()
    for index, item in enumerate(items):
        key = _hashable(item)
        if key in seen:
            raise _fail(
                "unique_items",
                "unique items (item {index} repeats)",
                index=index,
            )
        seen.add(key)
    return items


unique = AfterValidator(_check_unique)


def is_multiple(value: float, divisor: float) -> bool:
    """Whether ``value / divisor`` is an integer, in decimal arithmetic.

    JSON numbers are decimal text: 19.99 is a multiple of 0.01 although binary
    floating point says otherwise. Both numbers are read back from their shortest
    decimal form (what the JSON said) and divided exactly.
    """
    if isinstance(value, int) and isinstance(divisor, int):
        return value % divisor == 0
    if isinstance(value, float) and not math.isfinite(value):
        return False
    return Fraction(repr(value)) % Fraction(repr(divisor)) == 0


def multiple_of(divisor: float) -> AfterValidator:
    """``multipleOf``, exact on the decimal values the JSON text wrote."""

    def check(value: float) -> float:
        if not is_multiple(value, divisor):
            raise _fail(
                "multiple_of",
                "a multiple of {multiple_of}",
                multiple_of=divisor,
            )
        return value

    return AfterValidator(check)


_JS_SPACE = (
    "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a"
    "\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff"
)


def ecma_regex(source: str) -> re.Pattern[str]:
    """Compile an ECMA-262 pattern (as JSON Schema specifies) with Python's ``re``.

    Differences handled: ``\\d``/``\\w``/``\\b`` are ASCII-only (``re.ASCII``),
    ``\\s`` is JavaScript's Unicode whitespace, ``$`` matches only at the very
    end (Python's also matches before a final newline), and ``(?<name>`` groups.
    """
    out: list[str] = []
    i = 0
    in_class = False
    while i < len(source):
        ch = source[i]
        if ch == "\\" and i + 1 < len(source):
            nxt = source[i + 1]
            if nxt == "s":
                out.append(_JS_SPACE if in_class else f"[{_JS_SPACE}]")
            elif nxt == "S" and not in_class:
                out.append(f"[^{_JS_SPACE}]")
            else:
                out.append(source[i : i + 2])
            i += 2
            continue
        if in_class:
            if ch == "]":
                in_class = False
        elif ch == "[":
            in_class = True
            out.append(ch)
            i += 1
            if i < len(source) and source[i] == "^":
                out.append("^")
                i += 1
            if i < len(source) and source[i] == "]":
                out.append("\\]")
                i += 1
            continue
        elif ch == "$":
            out.append("\\Z")
            i += 1
            continue
        elif ch == ".":
            out.append("[^\\n\\r\\u2028\\u2029]")
            i += 1
            continue
        elif source.startswith("(?<", i) and source[i + 3 : i + 4] not in ("=", "!"):
            out.append("(?P<")
            i += 3
            continue
        out.append(ch)
        i += 1
    return re.compile("".join(out), re.ASCII)


def pattern(regex: str) -> AfterValidator:
    """``pattern``: the regular expression is searched for, not anchored."""
    compiled = ecma_regex(regex)

    def check(value: str) -> str:
        if compiled.search(value) is None:
            raise _fail(
                "string_pattern_mismatch",
                "a string matching {pattern}",
                pattern=regex,
            )
        return value

    return AfterValidator(check)


# -- formats ---------------------------------------------------------------------

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


_URI = re.compile(
    _uri_pattern(
        rf"(?P<host>\[[0-9A-Fa-f:.vV\-{_UNRESERVED}{_SUB_DELIMS}]*\]|{_REG_NAME})"
    )
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
    """RFC 3339 date-time, in one match (it is on every message's envelope)."""
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
    m = _URI.match(value)
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
    "ipv4": is_ipv4,
    "ipv6": is_ipv6,
    "time": is_time,
    "uri": is_uri,
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
FAST_FORMATS: dict[str, str] = {
    "date": rf"^[0-9]{{4}}-{_DAY}$",
    "date-time": rf"^[0-9]{{4}}-{_DAY}[Tt]{_CLOCK}$",
    "time": rf"^{_CLOCK}$",
    "uuid": _UUID.pattern,
    "ipv4": _IPV4.pattern,
    "duration": _DURATION.pattern,
    # _URI without the bracketed (IP literal) host, which needs the IPv6 check
    "uri": _uri_pattern(_REG_NAME),
}


class _Format:
    """The ``format`` assertion: after the string checks, the fast pattern in
    :data:`FAST_FORMATS` (if any), and only when it does not match, the checker."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.checker = FORMATS[name]

    def __get_pydantic_core_schema__(
        self, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        checker, name = self.checker, self.name

        def check(value: str) -> str:
            if not checker(value):
                raise _fail("format", "a valid {format} string", format=name)
            return value

        inner = handler(source)
        fast = FAST_FORMATS.get(name)
        if fast is None:
            return core_schema.no_info_after_validator_function(check, inner)
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
                ),
            ]
        )


def format_(name: str) -> _Format:
    """The ``format`` assertion for one of :data:`FORMATS`."""
    return _Format(name)


# -- object-level keywords -------------------------------------------------------


def present_keys(model: BaseModel) -> set[str]:
    """The JSON property names present in a validated model."""
    fields = type(model).model_fields
    keys = {
        str(fields[name].validation_alias or name)
        for name in model.model_fields_set
        if name in fields  # extra properties are in the set too, by their own name
    }
    keys.update(model.model_extra or ())
    return keys


def check_object(
    model: BaseModel,
    dependent_required: Iterable[tuple[str, Iterable[str]]] = (),
    min_properties: int | None = None,
    max_properties: int | None = None,
) -> None:
    """``dependentRequired``, ``minProperties`` and ``maxProperties`` of an object."""
    keys = present_keys(model)
    for key, needed in dependent_required:
        if key in keys:
            missing = [n for n in needed if n not in keys]
            if missing:
                raise _fail(
                    "dependent_required",
                    "{missing} to be present (required when {key} is)",
                    key=key,
                    missing=", ".join(missing),
                )
    if min_properties is not None and len(keys) < min_properties:
        raise _fail(
            "min_properties",
            "at least {limit} properties",
            limit=min_properties,
        )
    if max_properties is not None and len(keys) > max_properties:
        raise _fail(
            "max_properties",
            "at most {limit} properties",
            limit=max_properties,
        )
