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

from collections.abc import Callable
from typing import Any

import referencing.exceptions
from jsonschema import validators

from runtime._doomed import Test, schema_test
from runtime._violation_text import _shown, from_jsonschema
from runtime._walk_keywords import (
    _PHRASED,
    _UNSUPPORTED,
    Unsupported,
    Word,
    Words,
    _Error,
    _handler,
    _Stub,
    _under,
)
from runtime.errors import Violation


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
_ABSENT = object()
_BUILTIN = (
    validators.Draft3Validator, validators.Draft4Validator,
    validators.Draft6Validator, validators.Draft7Validator,
    validators.Draft201909Validator, validators.Draft202012Validator,
)  # fmt: skip
