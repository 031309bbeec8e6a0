"""The public surface is explicit: a sorted ``__all__`` that matches what is defined,
in both directions: every name it lists exists, and every public class or function a
module defines (or a package imports from its own submodules) is listed."""

from __future__ import annotations

import importlib
import inspect

import pytest

MODULES = [
    "codegen",
    "runtime",
    "runtime.http",
    "runtime.presence",
    "runtime.streams",
    "runtime.support",
    "runtime.telemetry",
]


@pytest.mark.parametrize("module", MODULES)
def test_all_is_sorted_and_complete(module: str) -> None:
    mod = importlib.import_module(module)
    names = mod.__all__
    assert names == sorted(names)
    for name in names:
        assert hasattr(mod, name), name
    own = module if not hasattr(mod, "__path__") else f"{module}."
    public = {
        name
        for name, obj in vars(mod).items()
        if not name.startswith("_")
        and (inspect.isclass(obj) or inspect.isfunction(obj))
        and (obj.__module__ == module or obj.__module__.startswith(own))
    }
    assert public <= set(names), sorted(public - set(names))
