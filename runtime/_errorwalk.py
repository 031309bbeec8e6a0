"""A union branch's violations without jsonschema's machinery: the same set of
violations, found by a walk of our own (runtime._fullcheck.FullCheck.walk).

A union report (runtime/_union_report.py) asks for the violations of a value
against each branch of each union it explains: about 144 schema locations per
refused GitHub webhook. Through ``jsonschema`` each one builds a validator per
subschema, an error object per violation at every level it passes (copied at
each level from the errors remembered), and a walk of generators: about 80% of
wording a refused webhook. The report reads those violations as a set (it sorts
them, and takes away the union noise by equality), so their order is free; this
walk gives the same set.

It follows jsonschema step by step: the keywords a subschema applies are those
the validator class would apply (its ``VALIDATORS`` and ``$ref`` handling), the
class changes where a subschema names its ``$schema`` as jsonschema's ``evolve``
changes it (runtime._fullcheck), references resolve with ``FullCheck.follow``,
and every violation is worded by ``from_jsonschema`` from an error with the
fields jsonschema would give it. Keywords that only look at the value itself
(``minLength``, ``uniqueItems``...) are asked of jsonschema's own function; the
keywords that descend (``properties``, ``items``, ``allOf``, the unions, ``$ref``,
``additionalProperties``, ``patternProperties``) are walked here, and any other
that descends (``not``, ``if``, ``contains``, ``unevaluated*``, dynamic
references...) is not: the walk gives up (:class:`Unsupported`) and the caller
asks jsonschema, as before. A union's branches are decided as
runtime._fullcheck's unions decide them: ``doomed`` first, then by whether the
branch has a violation.

The violations of each (class, base URI, subschema, value) are remembered while a
message is worded, as runtime._fullcheck remembers jsonschema's errors.
"""

from __future__ import annotations

import numbers
import re
from collections.abc import Callable
from typing import Any

import referencing.exceptions
from jsonschema import _keywords, _legacy_keywords, _types, validators
from jsonschema._utils import equal, extras_msg, find_additional_properties

from runtime._doomed import Test, schema_test
from runtime._violation_text import _shown, from_jsonschema
from runtime.errors import Violation

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


class ErrorWalk:
    """The walk for one FullCheck: its classes, references and doomed tests."""

    def __init__(self, full: Any, support: Any) -> None:
        self.full = full  # runtime._fullcheck.FullCheck
        self.follow: Callable[[str, str], tuple[Any, str] | None] = full.follow
        self.theirs = full.drafts.theirs  # jsonschema's classes swapped for ours
        self.format_checker = full.format_checker
        self.support = support
        self.memo = full.memo
        self.unwalkable: set[str] = set()  # contracts the walk does not go through
        self._tables: dict[Any, dict[str, Any]] = {}
        self._classes: dict[tuple[str, Any], Any] = {}
        self._stubs: dict[Any, _Stub] = {}
        self._tests: dict[tuple[str, int], tuple[Test | None, Any]] = {}
        self._targets: dict[tuple[str, str], Any] = {}  # follow's, remembered
        self.missing: dict[str, Words] = {}  # a required property's words
        # The expected phrase of an error whose phrase is its keyword's and
        # value's (and schema's) alone, remembered with them (see _worded).
        self._phrases: dict[tuple[Any, int, int], tuple[str, Any, Any]] = {}

    def violations(
        self, contract: str, instance: Any, keywords: frozenset[str] | None = None
    ) -> list[Violation] | None:
        """The violations of ``instance`` against a contract (``file#pointer``,
        the pointer as in a URI), only those of ``keywords`` when given: those
        ``from_jsonschema`` words from the errors of FullCheck's validator of
        the contract, in their order; None where the walk does not go (a
        keyword it does not follow: jsonschema is asked then, as before)."""
        if contract in self.unwalkable:
            return None
        full = self.full
        path, _, fragment = contract.partition("#")
        cls = full.drafts[full.draft_of[path]]
        target = full.canonical[path] + (f"#{fragment}" if fragment else "")
        try:
            # FullCheck's validator of a contract is {"$ref": target}: no base.
            words = self.via_ref(cls, "", target, instance)
        except (Unsupported, RecursionError):
            self.unwalkable.add(contract)
            return None
        return [
            Violation(p, e, g)
            for p, e, g, k in words
            if keywords is None or k in keywords
        ]

    # -- the walk ----------------------------------------------------------------
    def words(self, cls: Any, base: str, schema: Any, instance: Any) -> Words:
        """The violations of ``instance`` against ``schema`` reached by a
        validator of class ``cls`` whose references resolve from ``base``, with
        pointers relative to the value (each once: a set)."""
        if schema is True:
            return ()
        if schema is False:
            return self._worded(_Error(None, None, instance, schema))
        if not isinstance(schema, dict):
            raise Unsupported
        remembered = self.memo.errors
        key = (_WALK, cls, base, id(schema), id(instance))
        if remembered is not None:
            found = remembered.get(key)
            if found is not None:
                return found[0]  # type: ignore[no-any-return]
        if "$id" in schema:
            raise Unsupported  # it may move the base URI (a subresource)
        words = self._walk(cls, base, schema, instance)
        if remembered is not None:
            remembered[key] = (words, schema, instance)
        return words

    def _walk(
        self, cls: Any, base: str, schema: dict[str, Any], instance: Any
    ) -> Words:
        cls = self._class_of(schema, cls)
        table = self._table(cls)
        out: list[Word] = []
        for keyword, value in cls._APPLICABLE_VALIDATORS(schema):
            how = table.get(keyword)
            if how is None:
                continue
            if how is _UNSUPPORTED:
                raise Unsupported
            how(self, cls, base, keyword, value, instance, schema, out)
        return tuple(out)

    def below(
        self, token: str | int, cls: Any, base: str, schema: Any, instance: Any
    ) -> Words | list[Word]:
        """:meth:`words` of an item or property (``token``), pointers from the
        value that holds it; but jsonschema's descend gives the error of a
        ``false`` schema no path: its pointer stays the holder's."""
        found = self.words(cls, base, schema, instance)
        if not found or schema is False:
            return found
        return _under(token, found)

    def via_ref(self, cls: Any, base: str, ref: Any, instance: Any) -> Words:
        if not isinstance(ref, str):
            raise Unsupported
        found = self._targets.get((base, ref), _ABSENT)
        if found is _ABSENT:
            found = self._targets[(base, ref)] = self.follow(base, ref)
        if found is None:
            raise Unsupported
        target, uri = found
        if target is True:
            return ()
        if not isinstance(target, dict):
            return self.words(cls, uri, target, instance)
        remembered = self.memo.errors
        key = (_WALK, cls, uri, id(target), id(instance))
        if remembered is not None:
            hit = remembered.get(key)
            if hit is not None:
                return hit[0]  # type: ignore[no-any-return]
        # Reached by a reference: its $id is the base the reference resolved to.
        words = self._walk(cls, uri, target, instance)
        if remembered is not None:
            remembered[key] = (words, target, instance)
        return words

    def _class_of(self, schema: dict[str, Any], cls: Any) -> Any:
        """The class jsonschema's evolve (runtime._fullcheck._evolve) gives."""
        uri = schema.get("$schema")
        if uri is None:
            return cls
        if not isinstance(uri, str):
            raise Unsupported
        key = (uri, cls)
        found = self._classes.get(key)
        if found is None:
            found = validators.validator_for(schema, default=cls)
            if found in _BUILTIN:
                found = self.theirs[found]
            self._classes[key] = found
        return found

    def _worded(self, error: Any) -> Words:
        """from_jsonschema's violations of an error (at the value walked)."""
        shown = getattr(self.memo, "shown", None)
        keyword = error.validator
        if keyword in _PHRASED and not error.absolute_path:
            # from_jsonschema's phrase of such an error reads the keyword, its
            # value and the schema; what it got is the value's rendering.
            value, schema = error.validator_value, error.schema
            key = (keyword, id(value), id(schema))
            found = self._phrases.get(key)
            if found is None:
                worded = from_jsonschema([error], None, shown)
                if len(worded) != 1 or worded[0].pointer:
                    raise Unsupported  # not so: a new from_jsonschema
                found = self._phrases[key] = (worded[0].expected, value, schema)
                return ((worded[0].pointer, found[0], worded[0].got, keyword),)
            return (("", found[0], _shown(error.instance, shown), keyword),)
        return tuple(
            (v.pointer, v.expected, v.got, keyword)
            for v in from_jsonschema([error], None, shown)
        )

    def _fails(self, cls: Any, base: str, branch: Any, instance: Any) -> bool:
        """Whether a union's branch fails, as runtime._fullcheck's unions decide."""
        if isinstance(branch, dict):
            key = (base, id(branch))
            found = self._tests.get(key)
            if found is None:  # FullCheck.doomed's test, at the walk's base URI
                test = schema_test(_AtBase(base), branch, self.follow)
                found = self._tests[key] = (test, branch)
            if found[0] is not None and found[0].fails(instance):
                return True
        return bool(self.words(cls, base, branch, instance))

    # -- the keywords' tables ------------------------------------------------------
    def _table(self, cls: Any) -> dict[str, Any]:
        table = self._tables.get(cls)
        if table is None:
            table = self._tables[cls] = {
                k: _handler(fn, cls) for k, fn in cls.VALIDATORS.items()
            }
        return table

    def stub(self, cls: Any) -> _Stub:
        found = self._stubs.get(cls)
        if found is None:
            found = self._stubs[cls] = _Stub(cls.TYPE_CHECKER, self.format_checker)
        return found


class _AtBase:
    """A resolver at a base URI that looks nothing up: a test of a chain
    FullCheck.follow is unsure of is no test (runtime._doomed)."""

    def __init__(self, base: str) -> None:
        self._base_uri = base

    def lookup(self, ref: str) -> Any:
        raise referencing.exceptions.Unresolvable(ref=ref)


_WALK = object()  # the memo's keys of this walk
_NO_SUCH = "no such property (additionalProperties is false)"
_ABSENT = object()
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
_BUILTIN = (
    validators.Draft3Validator, validators.Draft4Validator,
    validators.Draft6Validator, validators.Draft7Validator,
    validators.Draft201909Validator, validators.Draft202012Validator,
)  # fmt: skip

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
