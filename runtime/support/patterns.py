"""``pattern``: ECMA-262 regular expressions, as JSON Schema specifies them, matched
in linear time by Rust's ``regex`` crate (pydantic-core's ``rust-regex`` engine).

The pattern is translated once (:mod:`.ecma`); matching never backtracks, so no input
can make it slow. Lone surrogates (possible in Python strings, not in the engine's)
are matched as U+FFFD.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from pydantic_core import SchemaError, SchemaValidator, core_schema

if TYPE_CHECKING:  # Pydantic is not loaded for this module (the compiler uses it)
    from pydantic import GetCoreSchemaHandler

from .ecma import UNSUPPORTED, RegexError, check_syntax, translate

__all__ = [
    "PATTERN_STEP",
    "Regex",
    "RegexError",
    "check_syntax",
    "ecma_regex",
    "pattern",
    "rust_schema",
    "translate",
    "translate_rust",
]


def rust_schema(source: str, trial: bool = True) -> core_schema.CoreSchema:
    """A pydantic-core string schema that accepts the strings ``source`` (ECMA-262)
    is found in; :class:`RegexError` when the engines cannot take it (found by
    compiling it once, unless ``trial`` is false: the compiler has done so)."""
    schema = core_schema.str_schema(
        pattern=translate(source).rust, regex_engine="rust-regex", strict=True
    )
    if not trial:
        return schema
    try:
        SchemaValidator(schema)
    except SchemaError as exc:
        last = str(exc).strip().splitlines()[-1].strip()
        what = "too large for" if "size limit" in last else "not taken by"
        raise RegexError(
            UNSUPPORTED, f"{what} the linear-time engine ({last})"
        ) from None
    return schema


_SURROGATE = re.compile("[\ud800-\udfff]")


def translate_rust(source: str) -> str:
    """``source`` in the syntax of Rust's regex, ECMA-262's meaning kept; a pattern
    the compiler would refuse is returned as it is."""
    try:
        return translate(source).rust
    except RegexError:
        return source


class Regex:
    """A compiled ECMA-262 pattern; :meth:`search` says whether it is found."""

    __slots__ = ("_engine", "source")

    def __init__(self, source: str) -> None:
        self.source = source
        self._engine = SchemaValidator(rust_schema(source))

    def search(self, value: str) -> bool:
        if self._engine.isinstance_python(value):
            return True
        if value.isascii():
            return False
        fixed = _SURROGATE.sub("\ufffd", value)
        return fixed != value and bool(self._engine.isinstance_python(fixed))


@lru_cache(maxsize=4096)
def ecma_regex(source: str) -> Regex:
    """The compiled pattern (cached): :class:`RegexError` if it is refused."""
    return Regex(source)


# The metadata key that marks a ``pattern`` step in a model's core schema: the runtime
# builds, for a contract that needs the full check, a validator without these steps
# (the full check has matched every pattern already), so each runs once per value.
PATTERN_STEP = "contracts_pattern"


class _Pattern:
    """``Annotated`` metadata: the string must contain a match of the pattern,
    checked in pydantic-core (no Python call); the error names the ECMA source."""

    __slots__ = ("source",)

    def __init__(self, source: str) -> None:
        self.source = source

    def __get_pydantic_core_schema__(
        self, source_type: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        return core_schema.chain_schema(
            [
                handler(source_type),
                core_schema.custom_error_schema(
                    rust_schema(self.source, trial=False),
                    "string_pattern_mismatch",
                    custom_error_context={"pattern": self.source},
                    metadata={PATTERN_STEP: self.source},
                ),
            ]
        )


def pattern(regex: str) -> _Pattern:
    """``pattern``: the regular expression is searched for, not anchored."""
    return _Pattern(regex)
