"""Runtime support for generated models, copied verbatim into every generated
package as ``<package>/_support/`` (the package depends on nothing of ``runtime``).

- ``types``: strict JSON types, JSON equality, decimal ``multipleOf``, object keywords;
- ``patterns``: ECMA-262 ``pattern``;
- ``formats``: ``format`` checkers after the RFCs JSON Schema names.

Depends on pydantic, the standard library and, for IDNA2008 host name labels, the
``idna`` package. Generated modules use it as ``from <package> import _support as _s``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .formats import FAST_FORMATS, FORMATS, format_
    from .patterns import ecma_regex, pattern, translate_rust
    from .types import (
        Bool,
        Int,
        Model,
        Number,
        Opt,
        Str,
        StrictInt,
        check_object,
        enum,
        is_multiple,
        json_equal,
        json_int,
        json_kind,
        key_tag,
        loose_default,
        multiple_of,
        never,
        not_kinds,
        not_null,
        unique,
        values,
    )

# Each name is imported from its module on first use (PEP 562), so that a module
# that needs no Pydantic model (``kinds``, ``ecma``, ``patterns``: the compiler's
# imports) does not load them all: 40 ms of every ``contracts`` command's start.
_WHERE = {
    "FAST_FORMATS": "formats",
    "FORMATS": "formats",
    "format_": "formats",
    "ecma_regex": "patterns",
    "pattern": "patterns",
    "translate_rust": "patterns",
}


# The submodules, as attributes of the package (``_support.patterns``) before any
# other import has made them so.
_MODULES = frozenset(
    {
        "_ecma_properties", "ecma", "ecma_syntax", "formats", "idn", "kinds",
        "patterns", "references", "types", "unicode_names",
    }
)  # fmt: skip


def __getattr__(name: str) -> Any:
    if name in _MODULES:
        return importlib.import_module(f".{name}", __name__)
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(f".{_WHERE.get(name, 'types')}", __name__)
    value = getattr(module, name)
    globals()[name] = value  # found directly from now on
    return value


__all__ = [
    "Bool",
    "FAST_FORMATS",
    "FORMATS",
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
    "json_kind",
    "key_tag",
    "loose_default",
    "multiple_of",
    "never",
    "not_kinds",
    "not_null",
    "pattern",
    "translate_rust",
    "unique",
    "values",
]
