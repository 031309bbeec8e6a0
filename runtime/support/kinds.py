"""JSON's kinds of value, without Pydantic: the compiler uses them too, and imports
this module (and ``ecma``, ``patterns``) without loading Pydantic's models."""

from __future__ import annotations

from typing import Any, Literal

JsonKind = Literal["array", "boolean", "null", "number", "object", "string"]


def json_kind(value: Any) -> JsonKind:
    """The JSON kind of a parsed value (integers and fractions are both numbers)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"
