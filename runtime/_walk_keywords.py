"""The keywords of runtime/_errorwalk.py's walk: for each validator class of
runtime._fullcheck (a draft, with runtime._fullcheck's own keywords or, in a
subschema that names its ``$schema``, jsonschema's), the keywords it applies and
how, with jsonschema's verdicts and errors; without importing jsonschema (its
function is imported for jsonschema's own ``multipleOf``, in a subschema that
names its ``$schema``).
tests/test_errorwalk.py checks the tables against jsonschema's. Split from
_errorwalk.py (the module bound of 600 lines)."""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from runtime._violation_text import _shown
from runtime._walk_utils import equal, extras_msg, find_additional_properties, uniq

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
    """The validator a jsonschema keyword function that looks at the value only
    reads: its type test (drafts 6 to 2020-12 test types alike)."""

    def is_type(self, instance: Any, kind: str) -> bool:
        test = _TYPES.get(kind) if isinstance(kind, str) else None
        if test is None:
            raise Unsupported  # an unknown type: jsonschema's own words
        return test(instance)


_STUB = _Stub()


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


def _jsonschema_leaf(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """A value-only keyword written nowhere else: jsonschema's own function."""
    from jsonschema import _keywords  # only where such a keyword is met

    for error in getattr(_keywords, k)(_STUB, v, instance, schema) or ():
        error._set(validator=k, validator_value=v, instance=instance, schema=schema)
        out.extend(walk._worded(error))


def _unique_items(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """jsonschema's uniqueItems (AsyncAPI's tags, required...: its own
    function imported jsonschema on a first refusal)."""
    if v and isinstance(instance, list) and not uniq(instance):
        _failed(walk, k, v, instance, schema, out)


def _dependent_required(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """jsonschema's dependentRequired: an error per name missing beside a
    property present."""
    if not isinstance(instance, dict):
        return
    for name, dependency in v.items():
        if name not in instance:
            continue
        for each in dependency:
            if each not in instance:
                message = f"{each!r} is a dependency of {name!r}"
                out.extend(walk._worded(_Error(k, v, instance, schema, message)))


def _failed(
    walk: ErrorWalk, k: str, v: Any, instance: Any, schema: Any, out: Out
) -> None:
    """The error of a keyword whose words are its phrase and the value's."""
    out.extend(walk._worded(_Error(k, v, instance, schema)))


def _length(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """minLength ... maxProperties, as jsonschema's (a string, array or object
    too short or too long)."""
    kind, longest = _LENGTHS[k]
    if isinstance(instance, kind) and (
        len(instance) > v if longest else len(instance) < v  # type: ignore[arg-type]
    ):
        _failed(walk, k, v, instance, schema, out)


def _bound(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """minimum ... exclusiveMaximum, as jsonschema's (a number)."""
    if _is_number(instance) and _BOUNDS[k](instance, v):
        _failed(walk, k, v, instance, schema, out)


def _our_pattern(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """runtime._fullcheck's pattern (ECMA-262, Rust's regex)."""
    if isinstance(instance, str) and not walk.support.ecma_regex(v).search(instance):
        _failed(walk, k, v, instance, schema, out)


def _their_pattern(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """jsonschema's own pattern (Python's re)."""
    if isinstance(instance, str) and not re.search(v, instance):
        _failed(walk, k, v, instance, schema, out)


def _our_multiple_of(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """runtime._fullcheck's multipleOf (decimal)."""
    if _is_number(instance) and not walk.support.is_multiple(instance, v):
        _failed(walk, k, v, instance, schema, out)


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
    """runtime._fullcheck's format checker: the package's checkers, of strings
    only; any other format is not asserted."""
    if not isinstance(instance, str):
        return
    check = walk.support.FORMATS.get(v) if isinstance(v, str) else None
    if check is not None and not check(instance):
        _failed(walk, k, v, instance, schema, out)


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
        _failed(walk, k, v, instance, schema, out)
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


def _not(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """jsonschema's not: one error when the value is valid under the subschema
    (a validator evolved for it: the holder's base URI)."""
    if not walk.in_place(cls, base, v, instance):
        _failed(walk, k, v, instance, schema, out)


def _if(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """jsonschema's if: the errors of then where the value is valid under the
    subschema (evolved, as for not), else those of else (descended into)."""
    if not walk.in_place(cls, base, v, instance):
        if "then" in schema:
            out.extend(walk.words(cls, base, schema["then"], instance))
    elif "else" in schema:
        out.extend(walk.words(cls, base, schema["else"], instance))


def _union(
    walk: ErrorWalk, cls: Any, base: str, k: str, v: Any, instance: Any,
    schema: Any, out: Out,
) -> None:  # fmt: skip
    """runtime._fullcheck's any_of and one_of: one error, when the value passes
    no branch (or, for oneOf, more than one)."""
    if k == "anyOf":
        if any(not walk.fails(cls, base, b, instance) for b in v):
            return
    else:
        passing = sum(not walk.fails(cls, base, b, instance) for b in v)
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


_LENGTHS: dict[str, tuple[type, bool]] = {
    "minLength": (str, False), "maxLength": (str, True),
    "minItems": (list, False), "maxItems": (list, True),
    "minProperties": (dict, False), "maxProperties": (dict, True),
}  # fmt: skip
_BOUNDS: dict[str, Callable[[Any, Any], bool]] = {
    "minimum": lambda x, v: x < v,
    "maximum": lambda x, v: x > v,
    "exclusiveMinimum": lambda x, v: x <= v,
    "exclusiveMaximum": lambda x, v: x >= v,
}

# The keywords of jsonschema's validator classes (their VALIDATORS).
DRAFT7_KEYWORDS = frozenset(
    {
        "$ref", "additionalItems", "additionalProperties", "allOf", "anyOf",
        "const", "contains", "dependencies", "enum", "exclusiveMaximum",
        "exclusiveMinimum", "format", "if", "items", "maxItems", "maxLength",
        "maxProperties", "maximum", "minItems", "minLength", "minProperties",
        "minimum", "multipleOf", "not", "oneOf", "pattern", "patternProperties",
        "properties", "propertyNames", "required", "type", "uniqueItems",
    }
)  # fmt: skip
DRAFT2020_KEYWORDS = (
    DRAFT7_KEYWORDS - {"additionalItems", "dependencies"}
) | {
    "$dynamicRef", "dependentRequired", "dependentSchemas", "prefixItems",
    "unevaluatedItems", "unevaluatedProperties",
}  # fmt: skip
# The keywords runtime._fullcheck's classes apply their own way (_drafts), and
# those it gives a subschema that names its $schema (their_class).
OUR_KEYWORDS = frozenset(
    {"anyOf", "oneOf", "$ref", "pattern", "multipleOf", "patternProperties",
     "additionalProperties"}
)  # fmt: skip
THEIR_KEYWORDS = frozenset({"anyOf", "oneOf", "$ref"})

# The keywords that word the value alone, never a subschema's walk of it or of a
# member: a schema of these alone is walked without remembering its words
# (runtime._errorwalk: remembering costs more than the walk).
LEAVES = frozenset(
    {
        _jsonschema_leaf, _unique_items, _dependent_required, _length, _bound,
        _our_pattern, _their_pattern, _our_multiple_of, _type, _required, _enum,
        _const, _format,
    }
)  # fmt: skip

_COMMON: dict[str, Any] = {
    "$ref": _ref, "anyOf": _union, "oneOf": _union, "allOf": _all_of,
    "not": _not, "if": _if,
    "properties": _properties, "type": _type, "required": _required,
    "enum": _enum, "const": _const, "format": _format,
    "uniqueItems": _unique_items, "dependentRequired": _dependent_required,
    **dict.fromkeys(_LENGTHS, _length), **dict.fromkeys(_BOUNDS, _bound),
}  # fmt: skip
_OUR_WAY: dict[str, Any] = {
    "pattern": _our_pattern, "multipleOf": _our_multiple_of,
    "patternProperties": _our_pattern_properties,
    "additionalProperties": _our_additional_properties,
}  # fmt: skip
_THEIR_WAY: dict[str, Any] = {
    "pattern": _their_pattern, "multipleOf": _jsonschema_leaf,
    "patternProperties": _their_pattern_properties,
    "additionalProperties": _their_additional_properties,
}  # fmt: skip


class Mode:
    """A validator class of runtime._fullcheck: a draft ("7" or "2020-12"), with
    its own keywords (``ours``) or jsonschema's; what each keyword does (a
    function of this module, or _UNSUPPORTED: the walk gives up)."""

    def __init__(self, draft: str, ours: bool) -> None:
        from runtime._walk_more import DRAFT7_MORE, DRAFT2020_MORE

        self.draft = draft
        self.ours = ours
        keywords = DRAFT7_KEYWORDS if draft == "7" else DRAFT2020_KEYWORDS
        own = _OUR_WAY if ours else _THEIR_WAY
        items = _items_legacy if draft == "7" else _items
        more = {
            **(DRAFT7_MORE if draft == "7" else DRAFT2020_MORE),
            "items": items,
            "prefixItems": _prefix_items,
        }
        self.table: dict[str, Any] = {
            k: own.get(k) or _COMMON.get(k) or more.get(k, _UNSUPPORTED)
            for k in keywords
        }
        # Drafts before 2019-09 read nothing beside a $ref (ignore_ref_siblings).
        self.ref_alone = draft == "7"

    def applicable(self, schema: dict[str, Any]) -> Iterable[tuple[str, Any]]:
        if self.ref_alone:
            ref = schema.get("$ref")
            if ref is not None:
                return (("$ref", ref),)
        return schema.items()


# jsonschema's meta-schemas by URI, as validator_for finds them (its URIDict:
# the URI normalized by urlsplit), and their drafts.
_META_SCHEMAS = {
    "http://json-schema.org/draft-03/schema": "3",
    "http://json-schema.org/draft-04/schema": "4",
    "http://json-schema.org/draft-06/schema": "6",
    "http://json-schema.org/draft-07/schema": "7",
    "https://json-schema.org/draft/2019-09/schema": "2019-09",
    "https://json-schema.org/draft/2020-12/schema": "2020-12",
}


def draft_named(uri: Any) -> str | None:
    """The draft of the meta-schema a ``$schema`` names, as jsonschema's
    validator_for finds it; None for one it does not know."""
    if not isinstance(uri, str):
        raise Unsupported
    return _META_SCHEMAS.get(urlsplit(uri).geturl())
