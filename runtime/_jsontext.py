"""JSON text before a message is validated: the marks the limit checks read, a
``NaN`` or ``Infinity`` found, and the value parsed by orjson where it decides as
the standard library would (runtime.contracts re-exports these)."""

from __future__ import annotations

import json
from typing import Any

import orjson

# A text that is not JSON (the standard library refused it).
_INVALID = object()


class _NotJson(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NotJson(f"{name} (not a JSON number)")


def non_json_constant(data: bytes) -> str | None:
    """``NaN``/``Infinity`` outside strings: JavaScript-isms that parsers (Pydantic's
    included) accept but JSON does not. Two substring searches unless present."""
    if b"NaN" not in data and b"Infinity" not in data:
        return None
    try:
        json.loads(data, parse_constant=_reject_constant)
    except _NotJson as exc:
        return str(exc)
    except (ValueError, RecursionError):
        return None  # malformed otherwise: the parser reports it
    return None


_UNMARKED = bytes(b for b in range(256) if b not in b"NI[{")


def json_marks(data: bytes) -> bytes:
    """The bytes of ``data`` the limit checks look at, in one pass: "N" and "I"
    (``NaN``, ``Infinity`` are possible only with them) and the opening brackets
    (their count bounds the nesting depth from above)."""
    return data.translate(None, _UNMARKED)


# orjson turns integers beyond 64 bits into floats: a text with a run of 19 or more
# digits is left to the standard library, which keeps them exact. The run is found in
# the text translated to "0" for a digit and " " for any other byte (C speed: re's
# search for [0-9]{19} took 100 us on a 10 kB payload, this 6 us).
_DIGITS = bytes(0x30 if 0x30 <= b <= 0x39 else 0x20 for b in range(256))
_LONG_RUN = b"0" * 19
NOT_FAST = object()


def orjson_value(data: bytes) -> Any:
    """The value orjson parses from ``data``, or :data:`NOT_FAST` where the standard
    library must decide: a long number, or a text orjson refuses (it is stricter
    than ``json``: UTF-8 only, no lone surrogates, no NaN, at most 1,024 levels)."""
    if _LONG_RUN not in data.translate(_DIGITS):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return NOT_FAST


def _loads_or_none(raw: bytes) -> Any:
    value = orjson_value(raw)
    return _standard_or_invalid(raw) if value is NOT_FAST else value


def _standard_or_invalid(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return _INVALID
