"""``runtime.contracts.orjson_value``: the fast parse that the validators and the
envelope use must give exactly the standard library's value, or step aside."""

from __future__ import annotations

import json
import math
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from runtime.contracts import _INVALID, NOT_FAST, _loads_or_none, orjson_value


def _same(a: Any, b: Any) -> bool:
    """Equal values of equal JSON kinds (1 and 1.0 differ; nan is nan)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return bool(a == b)


TRICKY = [
    b"18446744073709551615",  # the largest u64: orjson keeps it exact
    b"18446744073709551616",  # beyond 64 bits: orjson would give a float
    b"-9223372036854775809",
    b"[123456789012345678901234567890]",
    b'{"id": "1234567890123456789012"}',  # digits in a string: standard library
    b"1e400",  # infinity for json, refused by orjson
    b"NaN",
    b'"\\ud800"',  # a lone surrogate escape
    '"\u00e9"'.encode("utf-16"),  # not UTF-8
    b"\xff",
    b'{"a": 1, "a": 2}',
    b"[" * 2000 + b"]" * 2000,  # deeper than orjson's limit
    b"-0.0",
    b"1.0",
    b"  [1, 2.5e-3, true, null]  ",
]


def _standard(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        return "refused"


def test_tricky_texts_parse_as_the_standard_library_does() -> None:
    for raw in TRICKY:
        fast = orjson_value(raw)
        if fast is not NOT_FAST:
            assert _same(fast, json.loads(raw)), raw
        got = _loads_or_none(raw)
        expected = _standard(raw)
        if expected == "refused":
            assert got is _INVALID, raw
        else:
            assert _same(got, expected), raw
    assert orjson_value(b"18446744073709551616") is NOT_FAST
    assert orjson_value(b"[1, 2]") == [1, 2]


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**80), max_value=2**80)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=5)
        | st.dictionaries(st.text(max_size=5), inner, max_size=5)
    ),
    max_leaves=20,
)


@settings(derandomize=True, max_examples=500)
@given(json_values)
def test_any_json_value_round_trips_exactly(value: Any) -> None:
    raw = json.dumps(value).encode()
    fast = orjson_value(raw)
    assert fast is NOT_FAST or _same(fast, json.loads(raw))
    assert _same(_loads_or_none(raw), json.loads(raw))
