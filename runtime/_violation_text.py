"""The text of violations: Pydantic and jsonschema errors as :class:`Violation` s
(JSON pointer, expected, got), in the words both runtimes use."""

from __future__ import annotations

import ast
import functools
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

from pydantic_core import ErrorDetails

from runtime.errors import Violation
from runtime.jsonpointer import pointer_of as pointer

_MISSING = object()
_PY_QUOTED = re.compile(r"'((?:[^'\\]|\\.)*)'")

_EXPECTED = {
    "int_type": "an integer",
    "int_from_float": "an integer",
    "int_parsing": "an integer",
    "string_type": "a string",
    "bool_type": "a boolean",
    "float_type": "a number",
    "finite_number": "a number",  # 1e400: as Node says it (no JSON number is infinite)
    "none_required": "null",
    "list_type": "an array",
    "dict_type": "an object",
    "model_type": "an object",
    "model_attributes_type": "an object",
    "missing": "a required property",
    "extra_forbidden": "no such property (additionalProperties is false)",
    "literal_error": "one of {expected}",
    "enum": "one of {expected}",
    "string_too_short": "at least {min_length} character(s)",
    "string_too_long": "at most {max_length} character(s)",
    "too_short": "at least {min_length} item(s)",
    "too_long": "at most {max_length} item(s)",
    "greater_than_equal": "a number >= {ge}",
    "less_than_equal": "a number <= {le}",
    "greater_than": "a number > {gt}",
    "less_than": "a number < {lt}",
    "string_pattern_mismatch": "a string matching {pattern}",
    "union_tag_invalid": "{discriminator} to be one of {expected_tags}",
    "union_tag_not_found": "a {discriminator} property",
    "json_invalid": "valid JSON",
    "recursion_loop": "a value that is not nested too deeply",
}


# Error kinds raised by the generated package's _support: their message is the
# "expected" phrase.
_CUSTOM = frozenset(
    {
        "not_null", "never", "type_error", "enum", "unique_items", "multiple_of",
        "format", "min_properties", "max_properties",
    }
)  # fmt: skip


def _literal_values(text: str) -> str:
    """Pydantic's list of literal values (Python reprs) as JSON values."""
    try:
        values = ast.literal_eval(
            "[" + re.sub(r"(?<=['\"\d]) or (?=['\"\d-])", ", ", text) + "]"
        )
    except (ValueError, SyntaxError):
        return _PY_QUOTED.sub(r'"\1"', text)
    return ", ".join(show(v) for v in values)


_ESCAPED = json.encoder.encode_basestring  # ensure_ascii=False's (in C)
_SHORT = 80


class _Unusual(Exception):
    """A value :func:`_prefix` does not render as json.dumps does."""


def _prefix(value: Any, out: list[str], size: int) -> int:
    """Append ``value`` 's text as json.dumps(sort_keys=True,
    ensure_ascii=False) writes it to ``out`` until more than :data:`_SHORT`
    characters are written (the rest left out); return how many are. Plain
    recursion and no generator: json's own iterencode, stopped early, leaves
    its closures as cyclic garbage (tests/test_collector.py)."""
    if size > _SHORT:
        return size
    kind = type(value)
    if kind is str:
        text = _ESCAPED(value)
    elif value is None:
        text = "null"
    elif kind is bool:
        text = "true" if value else "false"
    elif kind is int:
        text = int.__repr__(value)
    elif kind is float:
        if value != value:
            text = "NaN"
        elif value in (float("inf"), float("-inf")):
            text = "Infinity" if value > 0 else "-Infinity"
        else:
            text = float.__repr__(value)
    elif kind is dict:
        keys = sorted(value)
        out.append("{")
        size += 1
        for i, key in enumerate(keys):
            if type(key) is not str:
                raise _Unusual
            if size > _SHORT:
                return size
            head = f"{', ' if i else ''}{_ESCAPED(key)}: "
            out.append(head)
            size = _prefix(value[key], out, size + len(head))
        text = "}"
    elif kind is list:
        out.append("[")
        size += 1
        for i, item in enumerate(value):
            if size > _SHORT:
                return size
            if i:
                out.append(", ")
                size += 2
            size = _prefix(item, out, size)
        text = "]"
    else:
        raise _Unusual
    out.append(text)
    return size + len(text)


def show(value: Any) -> str:
    """A short JSON rendering of an offending value: at most 80 characters, else
    the first 77 and "...". An object or array is rendered only until it is
    longer than that (a refused webhook's whole payload is shown at its root:
    about 8 kB, sorted, where 81 characters decide), as Node's show renders it.
    Other values than JSON's (a tuple, a key not a string...) are rendered by
    json.dumps whole, or shown by their ``repr`` where it cannot."""
    if value is _MISSING:
        return "nothing"
    try:
        if type(value) is dict or type(value) is list:
            out: list[str] = []
            _prefix(value, out, 0)
            text = "".join(out)
        else:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (_Unusual, TypeError, ValueError, RecursionError):
        try:
            text = json.dumps(value, ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError):
            text = repr(value)
    if len(text) > 80:
        text = text[:77] + "..."
    return text


def _walk(instance: Any, loc: Sequence[str | int]) -> tuple[list[str | int], Any]:
    """Follow Pydantic's ``loc`` through the instance, skipping validator labels."""
    path: list[str | int] = []
    current = instance
    for part in loc:
        if isinstance(current, dict) and isinstance(part, str) and part in current:
            current = current[part]
            path.append(part)
        elif (
            isinstance(current, list)
            and isinstance(part, int)
            and 0 <= part < len(current)
        ):
            current = current[part]
            path.append(part)
    return path, current


def from_pydantic(errors: list[ErrorDetails], instance: Any) -> list[Violation]:
    out = []
    for e in errors:
        loc = list(e["loc"])
        path, _ = _walk(instance, loc)
        kind = e["type"]
        ctx: dict[str, Any] = dict(e.get("ctx") or {})
        if kind == "missing":
            out.append(
                Violation(pointer(path + [loc[-1]]), "a required property", "nothing")
            )
            continue
        if kind == "extra_forbidden":
            out.append(
                Violation(
                    pointer(path),
                    "no such property (additionalProperties is false)",
                    show(e["input"]),
                )
            )
            continue
        if kind == "dependent_required":
            for name in str(ctx["missing"]).split(", "):
                out.append(
                    Violation(
                        pointer([*path, name]),
                        f"a required property ({ctx['key']} is present)",
                        "nothing",
                    )
                )
            continue
        if kind in ("too_short", "too_long") and isinstance(e["input"], dict):
            bound = ctx.get("min_length", ctx.get("max_length"))
            word = "at least" if kind == "too_short" else "at most"
            out.append(
                Violation(pointer(path), f"{word} {bound} properties", show(e["input"]))
            )
            continue
        if kind in ("union_tag_invalid", "union_tag_not_found"):
            # Pydantic names the tag and its values in Python quotes: point at the
            # tag itself and quote as JSON.
            tag = str(ctx.get("discriminator", "")).strip("'")
            if kind == "union_tag_not_found":
                out.append(
                    Violation(pointer([*path, tag]), "a required property", "nothing")
                )
                continue
            tags = _PY_QUOTED.sub(r'"\1"', str(ctx.get("expected_tags", "")))
            got = e["input"].get(tag) if isinstance(e["input"], dict) else None
            out.append(Violation(pointer([*path, tag]), f"one of {tags}", show(got)))
            continue
        if kind in _CUSTOM:
            out.append(Violation(pointer(path), e["msg"], show(e["input"])))
            continue
        template = _EXPECTED.get(kind)
        if kind == "literal_error":
            # Pydantic lists the values as Python reprs ("'a', 'b' or 'c'"): list
            # them as JSON, comma-separated, as the Node runtime does.
            ctx["expected"] = _literal_values(str(ctx.get("expected", "")))
        for bound in ("ge", "gt", "le", "lt"):
            if isinstance(ctx.get(bound), float) and ctx[bound].is_integer():
                ctx[bound] = int(ctx[bound])  # 0, as the schema wrote it, not 0.0
        try:
            expected = (
                template.format(**ctx)
                if template
                else str(ctx.get("expected") or e["msg"])
            )
        except (KeyError, IndexError):
            expected = e["msg"]
        if kind not in _EXPECTED and "expected" not in ctx:
            expected = (
                e["msg"].removeprefix("Value error, ").removeprefix("Input should be ")
            )
        if "[key]" in loc:
            expected += " (as a property name)"
        out.append(Violation(pointer(path), expected, show(e["input"])))
    return out


_COMBINATORS = {
    "oneOf": "oneOf: must match exactly one schema in oneOf",
    "anyOf": "anyOf: must match a schema in anyOf",
    "allOf": "allOf: must match every schema in allOf",
    "not": "not: must NOT be valid",
}


_TYPES = {
    "integer": "an integer", "string": "a string", "number": "a number",
    "boolean": "a boolean", "null": "null", "array": "an array", "object": "an object",
}  # fmt: skip
_LIMITS = {
    "minLength": "at least {} character(s)", "maxLength": "at most {} character(s)",
    "minItems": "at least {} item(s)", "maxItems": "at most {} item(s)",
    "minProperties": "at least {} properties", "maxProperties": "at most {} properties",
    "minimum": "a number >= {}", "maximum": "a number <= {}",
    "exclusiveMinimum": "a number > {}", "exclusiveMaximum": "a number < {}",
}  # fmt: skip


@functools.lru_cache(maxsize=4096)
def _required(message: str) -> Any:
    """The property name of jsonschema's "'a' is a required property"."""
    missing = message.split(" is a required property")[0]
    try:
        return json.loads(missing.replace("'", '"'))
    except ValueError:
        return missing


@functools.lru_cache(maxsize=4096)
def _unexpected(message: str) -> tuple[str, ...]:
    """The property names of jsonschema's "('a', 'b' were unexpected)";
    remembered (a union report meets the same message in many branches)."""
    found = re.search(r"\((.*) (?:was|were) unexpected\)", message)
    if found is None:
        return ()
    try:
        names = ast.literal_eval("[" + found[1] + "]")
    except (ValueError, SyntaxError):
        return ()
    return tuple(n for n in names if isinstance(n, str))


def _number(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def _keyword_phrase(error: Any) -> str | None:
    """The Node runtime's phrase for a jsonschema error, where there is one."""
    keyword, value, schema = error.validator, error.validator_value, error.schema
    if keyword == "type":
        types = value if isinstance(value, list) else [value]
        return " or ".join(_TYPES.get(t, str(t)) for t in types)
    if (
        keyword in _LIMITS
        and isinstance(value, int | float)
        and not isinstance(value, bool)
    ):
        return _LIMITS[keyword].format(_number(value))
    if keyword == "pattern":
        return f"a string matching {value}"
    if keyword == "format":
        return f"a valid {value} string"
    if keyword == "enum" and isinstance(value, list):
        return "one of " + ", ".join(show(v) for v in value)
    if keyword == "const":
        return f"one of {show(value)}"
    if keyword == "multipleOf":
        return f"a multiple of {_number(value)}"
    if keyword in ("items", "additionalItems") and value is False:
        prefix = schema.get("prefixItems", schema.get("items"))
        if isinstance(prefix, list):
            return f"at most {len(prefix)} item(s)"
    if keyword in ("contains", "minContains", "maxContains") and isinstance(
        schema, dict
    ):
        low, high = schema.get("minContains", 1), schema.get("maxContains")
        if high is None:
            return f"contains: must contain at least {low} valid item(s)"
        return (
            f"contains: must contain at least {low} and no more than {high}"
            " valid item(s)"
        )
    if keyword is None and schema is False:  # jsonschema names no keyword
        return "no value at all (the schema is false)"
    return None


def _shown(value: Any, cache: dict[int, tuple[Any, str]] | None) -> str:
    """:func:`show`, remembered in ``cache`` by the value's id (the value is kept
    with it, so the id stays its own)."""
    if cache is None or not isinstance(value, dict | list):
        return show(value)
    found = cache.get(id(value))
    if found is None:
        found = cache[id(value)] = (value, show(value))
    return found[1]


def from_jsonschema(
    errors: Iterable[Any],
    keywords: frozenset[str] | None = None,
    shown: dict[int, tuple[Any, str]] | None = None,
) -> list[Violation]:
    """Violations from jsonschema errors; only those of ``keywords`` when given.
    ``shown`` remembers the rendering of each object and array (while one
    message is worded: its values do not change meanwhile)."""
    out = []
    for error in errors:
        # A false subschema's error names no keyword: the full check's location
        # of such a schema is the schema itself ("" after its last slash).
        if keywords is not None and (error.validator or "") not in keywords:
            continue
        path = list(error.absolute_path)
        keyword = error.validator
        value = error.validator_value
        if keyword == "required":
            name = _required(error.message)
            out.append(
                Violation(pointer([*path, name]), "a required property", "nothing")
            )
            continue
        if keyword in ("dependentRequired", "dependencies") and isinstance(
            error.instance, dict
        ):
            for key, needed in (value or {}).items():
                if key in error.instance and isinstance(needed, list):
                    for name in needed:
                        if name not in error.instance:
                            out.append(
                                Violation(
                                    pointer([*path, name]),
                                    f"a required property ({key} is present)",
                                    "nothing",
                                )
                            )
            continue
        if (
            keyword in ("additionalProperties", "unevaluatedProperties")
            and value is False
            and error.message.startswith("additional property ")
        ):  # runtime._fullcheck's own: one error per property, at the property
            out.append(
                Violation(
                    pointer(path),
                    f"no such property ({keyword} is false)",
                    _shown(error.instance, shown),
                )
            )
            continue
        if (
            keyword in ("additionalProperties", "unevaluatedProperties")
            and value is False
            and isinstance(error.instance, dict)
        ):
            names = _unexpected(str(error.message))
            if names:
                for name in names:
                    out.append(
                        Violation(
                            pointer([*path, name]),
                            f"no such property ({keyword} is false)",
                            _shown(error.instance.get(name, _MISSING), shown),
                        )
                    )
                continue
        if keyword == "type" and isinstance(value, list):
            # A failed list of types as Pydantic words it (and so Node): one
            # violation per type, none for "null" beside others.
            named = [t for t in value if t != "null"]
            if len(value) > 1 and named:
                got = _shown(error.instance, shown)
                out += [Violation(pointer(path), _TYPES.get(t, t), got) for t in named]
                continue
        # In the words the Node runtime uses; jsonschema's own messages quote the
        # instance and the schema as Python reprs.
        expected = (
            _COMBINATORS.get(keyword)
            or _keyword_phrase(error)
            or (
                f"{keyword} {show(value)}"
                if keyword not in ("if", "$ref")
                else error.message
            )
        )
        out.append(Violation(pointer(path), expected, _shown(error.instance, shown)))
    return out


def json_problem(raw: bytes) -> str:
    """What is wrong with text that is not JSON, as ``json`` says it."""
    try:
        json.loads(raw)
    except json.JSONDecodeError as exc:
        return f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    except (ValueError, RecursionError) as exc:
        return str(exc) or type(exc).__name__
    return show(raw.decode(errors="replace"))
