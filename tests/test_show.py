"""runtime._violation_text.show: a value rendered as json.dumps(sort_keys=True,
ensure_ascii=False) writes it, cut to 80 characters, while only the part it shows
is rendered (a refused webhook's 8 kB payload is shown at its root)."""

from __future__ import annotations

import gc
import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from runtime._violation_text import show


def reference(value: Any) -> str:
    """show as it was: the whole text, then cut."""
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)  # lone surrogates, controls, U+2028 included
)
_JSON = st.recursive(
    _SCALARS,
    lambda inner: (
        st.lists(inner, max_size=6)
        | st.dictionaries(st.text(max_size=12), inner, max_size=6)
    ),
    max_leaves=60,
)


@settings(max_examples=600, deadline=None)
@given(_JSON)
def test_show_is_json_dumps_cut(value: Any) -> None:
    assert show(value) == reference(value)


def test_edges_of_the_cut_and_values_json_renders_otherwise() -> None:
    values: list[Any] = [
        ["x" * 76],  # 80 characters exactly: not cut
        ["x" * 77],  # 81: cut
        {"": ""},
        [[[[[]]]]] * 30,
        {"a": {"b": {"c": "é" * 100}}},
        [float("nan"), float("inf"), -float("inf"), -0.0, 1e300, 1.5e-7],
        [10**40, True, None],
        {"k": (1, 2)},  # a tuple: json.dumps renders an array
        {1: "a"},  # a key not a string: json.dumps renders it as one
        {"a": 1, 2: "b"},  # keys json.dumps cannot sort: the repr
        {"when": object()},  # nothing json.dumps renders: the repr
    ]
    for value in values:
        assert show(value) == reference(value), value
    assert show(["x" * 76]) == '["' + "x" * 76 + '"]'
    assert show(["x" * 77]).endswith("...") and len(show(["x" * 77])) == 80


def test_a_big_payload_leaves_no_cyclic_garbage() -> None:
    payload = {
        f"key{i}": {"url": f"https://example.com/{i}", "n": i} for i in range(2000)
    }
    gc.collect()
    gc.disable()
    try:
        for _ in range(50):
            assert show(payload).startswith('{"key0": {"n": 0, "url": "https://example')
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        assert gc.garbage == []
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
