"""The JSON nesting depth the limits check (runtime.contracts.nesting_depth) is the
count of a byte-by-byte scan, on any text: well-formed or not, strings with escaped
quotes and brackets, a string left open, a backslash outside strings; and on
well-formed JSON, with the faster count for a text the caller has parsed."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from runtime.contracts import nesting_depth, nesting_depth_scan

PIECES = [b"[", b"]", b"{", b"}", b'"', b"\\", b'\\"', b"\\\\", b"a", b",", b":", b"\n"]


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60))
def test_any_text_counts_as_the_scan(pieces: list[bytes]) -> None:
    text = b"".join(pieces)
    assert nesting_depth(text) == nesting_depth_scan(text)


@settings(max_examples=500, deadline=None)
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(alphabet='[]{}"\\ab'),
        lambda inner: (
            st.lists(inner, max_size=4)
            | st.dictionaries(
                st.text(alphabet='[]{}"\\a', max_size=4), inner, max_size=4
            )
        ),
        max_leaves=30,
    )
)
def test_json_values_count_as_the_scan(value: object) -> None:
    for text in (
        json.dumps(value).encode(),
        json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(),
    ):
        assert nesting_depth(text) == nesting_depth_scan(text)
        assert nesting_depth(text, valid_json=True) == nesting_depth_scan(text)


def test_examples() -> None:
    assert nesting_depth(b'{"a": [[1], {"b": "]]]"}]}') == 3
    assert nesting_depth(b'["\\"[[[", [[]]]') == 3
    assert nesting_depth(b'[[ "open [[[[[') == 2  # the open string runs to the end
    assert nesting_depth(b"") == 0
    assert nesting_depth(b'"a""b"[[') == 2  # two strings in a row, nothing between
    assert nesting_depth(b'"[[""]]"[') == 1
    for valid_json in (False, True):
        assert nesting_depth(b'["\\\\", ["\\\\\\"[["]]', valid_json) == 2
        assert nesting_depth(b'{"a": [{"b": "}}}"}, []]}', valid_json) == 3
        deep = b"[" * 70 + b'"]"' + b"]" * 70
        assert nesting_depth(deep, valid_json) == 70


def test_a_backslash_outside_strings_escapes_nothing() -> None:
    # not JSON: the scan opens a string at the quote after the backslash
    assert nesting_depth(b'[\\"[[[') == 1 == nesting_depth_scan(b'[\\"[[[')
