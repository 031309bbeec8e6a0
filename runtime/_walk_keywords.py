"""The keywords of runtime/_errorwalk.py's walk: how each keyword function of a
jsonschema validator class (jsonschema's own, or runtime._fullcheck's) is applied,
with the same verdicts and errors. Split from _errorwalk.py (the module bound of
600 lines)."""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable
from typing import Any

from jsonschema import _keywords, _legacy_keywords, _types
from jsonschema._utils import equal, extras_msg, find_additional_properties

from runtime._violation_text import _shown

# runtime._errorwalk.ErrorWalk, which imports this module.
ErrorWalk = Any


# One violation, its pointer relative to the value walked, and the keyword of
# the error it words (from_jsonschema's filter reads it).
Word = tuple[str, str, str, Any]
Words = tuple[Word, ...]


class Unsupported(Exception):
    """The walk meets what it does not follow as jsonschema does."""


class _Error:
    """What from_jsonschema reads of a jsonschema error."""

    __slots__ = (
        "validator", "validator_value", "instance", "schema", "message",
        "absolute_path",
    )  # fmt: skip

    def __init__(
        self,
        keyword: Any,
        value: Any,
        instance: Any,
        schema: Any,
        message: str = "",
        path: tuple[Any, ...] = (),
    ) -> None:
        self.validator = keyword
        self.validator_value = value
        self.instance = instance
        self.schema = schema
        self.message = message
        self.absolute_path = path


# jsonschema's keyword functions that look at the value only (no subschema).
_LEAVES = frozenset(
    getattr(_keywords, name)
    for name in (
        "type", "enum", "const", "format", "minLength", "maxLength", "minItems",
        "maxItems", "minProperties", "maxProperties", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "uniqueItems",
        "pattern", "required", "dependentRequired",
    )
)  # fmt: skip
# runtime._fullcheck's own keyword functions (in _drafts), by name.
_OURS = "_drafts.<locals>."
_OUR_LEAVES = frozenset({"pattern", "multiple_of"})
_SIX_ON = _types.draft202012_type_checker  # drafts 6 to 2020-12 test types alike


def _is_integer(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    return isinstance(value, int) or (isinstance(value, float) and value.is_integer())


def _is_number(value: Any) -> bool:
    return not isinstance(value, bool) and isinstance(value, numbers.Number)


_TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
    "integer": _is_integer,
    "number": _is_number,
}


class _Stub:
    """The validator a value-only keyword function reads: its types, formats."""

    def __init__(self, checker: Any, format_checker: Any) -> None:
        self._checker = checker
        self.format_checker = format_checker

    def is_type(self, instance: Any, kind: str) -> bool:
        try:
            return bool(self._checker.is_type(instance, kind))
        except Exception as exc:  # an unknown type: jsonschema's own words
            raise Unsupported from exc


def _escape(token: str | int) -> str:
    text = token if type(token) is str else str(token)
    if "~" in text or "/" in text:
        text = text.replace("~", "~0").replace("/", "~1")
    return "/" + text


def _under(token: str | int, words: Words) -> list[Word]:
    head = _escape(token)
    return [(head + p, e, g, k) for p, e, g, k in words]


_NO_SUCH = "no such property (additionalProperties is false)"
# Keywords whose error from_jsonschema words with a phrase of the keyword, its
# value and the schema, at the value itself (runtime/_violation_text.py); not
# required, dependencies, additionalProperties (named properties) or $ref and
# if (jsonschema's message).
_PHRASED = frozenset(
    {
        "type", "enum", "const", "format", "minLength", "maxLength", "minItems",
        "maxItems", "minProperties", "maxProperties", "minimum", "maximum",
        "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "uniqueItems",
        "pattern", "oneOf", "anyOf", "allOf", "not", "items", "additionalItems",
        "contains", "minContains", "maxContains",
    }
)  # fmt: skip
_UNSUPPORTED = object()


Out = list[Word]


def _leaf(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """A value-only keyword: jsonschema's (or runtime._fullcheck's) own function."""
    fn = cls.VALIDATORS[k]
    for error in fn(walk.stub(cls), v, instance, schema) or ():
        error._set(validator=k, validator_value=v, instance=instance, schema=schema)
        out.extend(walk._worded(error))


def _type(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    kinds = [v] if isinstance(v, str) else v
    for kind in kinds:
        test = _TYPES.get(kind) if isinstance(kind, str) else None
        if test is None:
            raise Unsupported
        if test(instance):
            return
    out.extend(walk._worded(_Error(k, v, instance, schema)))


def _required(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    if not isinstance(instance, dict):
        return
    for name in v:
        if name not in instance:
            # Its words are the name's alone: remembered by name.
            words = walk.missing.get(name) if type(name) is str else None
            if words is None:
                message = f"{name!r} is a required property"
                words = walk._worded(_Error(k, v, instance, schema, message))
                if type(name) is str:
                    walk.missing[name] = words
            out.extend(words)


def _enum(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    if all(not equal(each, instance) for each in v):
        out.extend(walk._worded(_Error(k, v, instance, schema)))


def _const(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    if not equal(instance, v):
        out.extend(walk._worded(_Error(k, v, instance, schema)))


def _format(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    if not walk.format_checker.conforms(instance, v):
        out.extend(walk._worded(_Error(k, v, instance, schema)))


def _ref(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    out.extend(walk.via_ref(cls, base, v, instance))


def _properties(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    if not isinstance(instance, dict):
        return
    for name, sub in v.items():
        if name in instance:
            out.extend(walk.below(name, cls, base, sub, instance[name]))


def _all_of(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    for sub in v:
        out.extend(walk.words(cls, base, sub, instance))


def _items_legacy(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """Drafts 6, 7 and 2019-09's items (one schema, or one per position)."""
    if not isinstance(instance, list):
        return
    if isinstance(v, list):
        for (index, item), sub in zip(enumerate(instance), v, strict=False):
            out.extend(walk.below(index, cls, base, sub, item))
    else:
        for index, item in enumerate(instance):
            out.extend(walk.below(index, cls, base, v, item))


def _items(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """2020-12's items (after prefixItems)."""
    if not isinstance(instance, list):
        return
    prefix = len(schema.get("prefixItems", []))
    if len(instance) - prefix <= 0:
        return
    if v is False:
        _leaf(walk, cls, base, k, v, instance, schema, out)
        return
    for index in range(prefix, len(instance)):
        out.extend(walk.below(index, cls, base, v, instance[index]))


def _prefix_items(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    if not isinstance(instance, list):
        return
    for (index, item), sub in zip(enumerate(instance), v, strict=False):
        out.extend(walk.below(index, cls, base, sub, item))


def _union(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """runtime._fullcheck's any_of and one_of: one error, when the value passes
    no branch (or, for oneOf, more than one)."""
    if k == "anyOf":
        if any(not walk._fails(cls, base, b, instance) for b in v):
            return
    else:
        passing = sum(not walk._fails(cls, base, b, instance) for b in v)
        if passing == 1:
            return
    out.extend(walk._worded(_Error(k, v, instance, schema)))


def _our_pattern_properties(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    if not isinstance(instance, dict):
        return
    for regex, sub in v.items():
        compiled = walk.support.ecma_regex(regex)
        for key, item in instance.items():
            if compiled.search(key):
                out.extend(walk.below(key, cls, base, sub, item))


def _their_pattern_properties(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """jsonschema's own (Python's re): a subschema that names its $schema."""
    if not isinstance(instance, dict):
        return
    for regex, sub in v.items():
        for key, item in instance.items():
            if re.search(regex, key):
                out.extend(walk.below(key, cls, base, sub, item))


def _our_additional_properties(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    if not isinstance(instance, dict):
        return
    props = schema.get("properties", {})
    regexes = walk.support.ecma_regex
    patterns = [regexes(p) for p in schema.get("patternProperties", {})]
    extras = [
        key
        for key in instance
        if key not in props and not any(p.search(key) for p in patterns)
    ]
    if v is False:
        shown = getattr(walk.memo, "shown", None)
        for key in extras:
            # from_jsonschema's words of runtime._fullcheck's error ("additional
            # property 'x' is not allowed", at the property).
            got = _shown(instance[key], shown)
            out.append((_escape(key), _NO_SUCH, got, k))
    elif isinstance(v, dict):
        for key in extras:
            out.extend(walk.below(key, cls, base, v, instance[key]))


def _their_additional_properties(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """jsonschema's own (a subschema that names its $schema)."""
    if not isinstance(instance, dict):
        return
    extras = set(find_additional_properties(instance, schema))
    if isinstance(v, dict):
        for key in extras:
            out.extend(walk.below(key, cls, base, v, instance[key]))
    elif not v and extras:
        if "patternProperties" in schema:
            verb = "does" if len(extras) == 1 else "do"
            joined = ", ".join(repr(each) for each in sorted(extras))
            patterns = ", ".join(
                repr(each) for each in sorted(schema["patternProperties"])
            )
            message = f"{joined} {verb} not match any of the regexes: {patterns}"
        else:
            message = "Additional properties are not allowed (%s %s unexpected)"
            message %= extras_msg(sorted(extras, key=str))
        out.extend(walk._worded(_Error(k, v, instance, schema, message)))


_BY_FUNCTION: dict[Any, Any] = {
    _keywords.type: _type,
    _keywords.required: _required,
    _keywords.enum: _enum,
    _keywords.const: _const,
    _keywords.format: _format,
    _keywords.properties: _properties,
    _keywords.allOf: _all_of,
    _keywords.items: _items,
    _keywords.prefixItems: _prefix_items,
    _keywords.additionalProperties: _their_additional_properties,
    _keywords.patternProperties: _their_pattern_properties,
    _legacy_keywords.items_draft6_draft7_draft201909: _items_legacy,
}
_BY_OUR_NAME: dict[str, Any] = {
    "ref": _ref,
    "any_of": _union,
    "one_of": _union,
    "pattern_properties": _our_pattern_properties,
    "additional_properties": _our_additional_properties,
}


def _handler(fn: Any, cls: Any) -> Any:
    """How the walk applies a class's keyword function."""
    name = getattr(fn, "__qualname__", "")
    if getattr(fn, "__module__", "") == "runtime._fullcheck" and name.startswith(_OURS):
        own = name.removeprefix(_OURS)
        if own in _OUR_LEAVES:
            return _leaf
        return _BY_OUR_NAME.get(own, _UNSUPPORTED)
    how = _BY_FUNCTION.get(fn)
    if how is _type and cls.TYPE_CHECKER is not _SIX_ON:
        return _leaf if fn in _LEAVES else _UNSUPPORTED
    if how is not None:
        return how
    return _leaf if fn in _LEAVES else _UNSUPPORTED
