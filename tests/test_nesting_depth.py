"""The JSON nesting depth the limits check (runtime.contracts.nesting_depth) is the
count of a byte-by-byte scan, on any text: well-formed or not, strings with escaped
quotes and brackets, a string left open, a backslash outside strings."""

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
    text = json.dumps(value).encode()
    assert nesting_depth(text) == nesting_depth_scan(text)


def test_examples() -> None:
    assert nesting_depth(b'{"a": [[1], {"b": "]]]"}]}') == 3
    assert nesting_depth(b'["\\"[[[", [[]]]') == 3
    assert nesting_depth(b'[[ "open [[[[[') == 2  # the open string runs to the end
    assert nesting_depth(b"") == 0
