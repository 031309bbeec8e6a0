"""JavaScript text for the precompiled validators (check_keywords.py,
check_applicators.py): literals, type tests, instance path expressions, and the
small schema predicates both modules share."""

from __future__ import annotations

import functools
import json
import re
from typing import Any


class Unmodelled(Exception):
    """A keyword or reference outside the validators' model: Ajv alone."""


TYPES = {
    "string": 'typeof {x} === "string"',
    "number": 'typeof {x} === "number" && isFinite({x})',
    "integer": "Number.isInteger({x})",
    "boolean": 'typeof {x} === "boolean"',
    "null": "{x} === null",
    "object": '{x} !== null && typeof {x} === "object" && !Array.isArray({x})',
    "array": "Array.isArray({x})",
}
NOT_TYPES = {
    "string": 'typeof {x} !== "string"',
    "number": '!(typeof {x} === "number" && isFinite({x}))',
    "integer": "!Number.isInteger({x})",
    "boolean": 'typeof {x} !== "boolean"',
    "null": "{x} !== null",
    "object": '({x} === null || typeof {x} !== "object" || Array.isArray({x}))',
    "array": "!Array.isArray({x})",
}
# A local variable of a generated function (what a params literal may not hoist).
LOCAL = re.compile(r"\by[0-9]+\b")


@functools.lru_cache(maxsize=65536)
def operand(cond: str) -> str:
    """``cond`` as the left operand of ``&&``: parenthesised if it holds a ``||``
    outside brackets and string literals."""
    if "||" not in cond:
        return cond
    depth, i, n = 0, 0, len(cond)
    while i < n:
        c = cond[i]
        if c == '"':
            i += 1
            while i < n and cond[i] != '"':
                i += 2 if cond[i] == "\\" else 1
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif depth == 0 and cond.startswith("||", i):
            return f"({cond})"
        i += 1
    return cond


REF_KEYWORDS = frozenset(
    {"$ref", "$recursiveRef", "$recursiveAnchor", "$dynamicRef", "$dynamicAnchor"}
)


def lit(value: Any, sort_keys: bool = False) -> str:
    """A JSON value as a JavaScript literal."""
    if type(value) is str:
        return _string(value)
    if type(value) is int:
        return int.__repr__(value)  # what json.dumps writes for an int
    return (
        json.dumps(value, ensure_ascii=False, sort_keys=sort_keys)
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@functools.lru_cache(maxsize=65536)
def _string(value: str) -> str:
    """A string as a JavaScript literal (names and keywords repeat: cached)."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, bool, int, float))


def esc(name: str) -> str:
    return name.replace("~", "~0").replace("/", "~1")


def trivial(schema: Any) -> bool:
    return schema is True or schema == {}


def has_ref(schema: Any) -> bool:
    """Ajv's hasRef: whether a $ref is written inside (then Ajv calls, not inlines)."""
    if isinstance(schema, list):
        return any(has_ref(s) for s in schema)
    if not isinstance(schema, dict):
        return False
    return any(k in REF_KEYWORDS or has_ref(v) for k, v in schema.items())


def count(schema: dict[str, Any], key: str) -> int:
    value = schema[key]
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise Unmodelled(f"{key} {value!r}")
    return value


def child(path: str, token: str) -> str:
    """The instance path expression one fixed token below ``path``."""
    tail = lit("/" + esc(token))
    if path.endswith('"') and not path.endswith('\\"'):
        return path[:-1] + tail[1:]  # one string literal, not two
    return f"{path} + {tail}"


NAME = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")
