"""Runtime support for generated models, copied verbatim into every generated
package as ``<package>/_support/`` (the package depends on nothing of ``runtime``).

- ``types``: strict JSON types, JSON equality, decimal ``multipleOf``, object keywords;
- ``patterns``: ECMA-262 ``pattern``;
- ``formats``: ``format`` checkers after the RFCs JSON Schema names.

Depends on pydantic, the standard library and, for IDNA2008 host name labels, the
``idna`` package. Generated modules use it as ``from <package> import _support as _s``.
"""

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
    loose_default,
    multiple_of,
    never,
    not_kinds,
    not_null,
    unique,
    values,
)

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
