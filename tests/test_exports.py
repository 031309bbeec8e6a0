"""The public surface is explicit: sorted ``__all__`` that matches what is defined."""

from __future__ import annotations

import importlib

import pytest


@pytest.mark.parametrize(
    "module",
    ["codegen", "runtime", "runtime.support", "runtime.streams", "runtime.presence"],
)
def test_all_is_sorted_and_complete(module: str) -> None:
    mod = importlib.import_module(module)
    names = mod.__all__
    assert names == sorted(names)
    for name in names:
        assert hasattr(mod, name), name
