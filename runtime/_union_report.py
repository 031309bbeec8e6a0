"""Failing unions explain themselves.

When a value fails a ``oneOf`` or ``anyOf``, a validator reports every branch's
errors mixed together (or only a summary). This rewrites such a report: for each
union the value fails, one line names the branch the value was meant for and the
alternatives tried, followed by that branch's errors only. The Node runtime
(``_unions.js``) runs the same steps, so both print the same lines.

The branch meant: the one a discriminator names (a property every branch fixes to
strings, no string fixed by two branches, whose value the message carries: a
string ``const`` or a one-string ``enum``; a branch that is itself a union every
member of which fixes the property fixes it to all their strings, recursively),
otherwise the closest, among the branches whose own such strings name the value
if any: first those whose shape the value fits (an object each of whose
properties the branch declares, holding every property it requires), then the
fewest of the value's members in error, then the deepest error, then the fewest
errors, then the fewest misfits (properties of the value the branch does not
declare, beside those of the schema holding the union, plus properties it
requires the value lacks), then the first (:meth:`UnionReport.closeness`,
:meth:`UnionReport.misfit`). The fit decides what the errors cannot: a webhook
whose ``action`` no event knows fails every event on its ``action`` alone, and
the event whose shape it has is named.

Only the failure path runs this. It needs the package's schema documents and one
primitive, ``raw(path, pointer, value)``: the violations of ``value`` against the
schema at ``path#pointer``, with pointers relative to ``value``; and optionally
another, ``doomed(path, pointer, value)``: whether the value surely fails there
(then the branch's violations are worded only where the report needs them).
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cached_property
from operator import attrgetter
from typing import Any, Protocol
from urllib.parse import quote

from runtime._bounds import Bounds, closest
from runtime._union_walk import (
    MAX_STEPS,
    ROOT_URI,
    Doomed,
    Passes,
    Raw,
    UnionWalk,
    _Plan,
    _prefixed,
    _Site,
    _Walks,
)
from runtime._violation_text import show
from runtime.errors import Violation
from runtime.jsonpointer import pointer_join, pointer_tokens

__all__ = ["MAX_STEPS", "ROOT_URI", "LazyIds", "UnionReport", "schema_documents"]
# An object shape: the property names declared (None: any) and those required.
_Shape = tuple[frozenset[str] | None, frozenset[str]]
SHOWN = 8  # branch names listed before "and N more"
# Violation's own order (its fields' tuple), one key per violation instead of
# two tuples per comparison.
_ORDER = attrgetter("pointer", "expected", "got")


def _under(pointer: str, at: str) -> bool:
    return pointer == at or pointer.startswith(at + "/")


def schema_documents(
    root: Any, parsed: Iterable[tuple[str, Any]] | None = None
) -> tuple[dict[str, Any], dict[str, str]]:
    """A package's schema files below ``root`` (its ``schemas/`` folder), or
    ``parsed`` (each file's path and value, read already), and their drafts, as
    runtime._fullcheck.FullCheck reads them, without building it."""
    if parsed is None:
        parsed = ((path, json.loads(text)) for path, text in _texts(root, ""))
    documents = dict(parsed)
    drafts = {
        path: "7"
        if isinstance(doc, dict) and "draft-07" in str(doc.get("$schema", ""))
        else "2020-12"
        for path, doc in documents.items()
    }
    return documents, drafts


def _texts(node: Any, prefix: str) -> Iterator[tuple[str, str]]:
    for child in sorted(node.iterdir(), key=lambda c: c.name):
        rel = f"{prefix}{child.name}"
        if child.is_dir():
            yield from _texts(child, rel + "/")
        elif child.name.endswith(".json"):
            yield rel, child.read_text(encoding="utf-8")


class LazyIds(Mapping[str, str]):
    """Schema files by their absolute URI (``$id``), from ``canonical`` (file ->
    URI), which is asked on the first look-up only: a refusal outside any union
    never needs the full check that knows them."""

    def __init__(self, canonical: Callable[[], dict[str, str]]) -> None:
        self._canonical = canonical

    @cached_property
    def _ids(self) -> dict[str, str]:
        return {uri: path for path, uri in self._canonical().items()}

    def __getitem__(self, uri: str) -> str:
        return self._ids[uri]

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)


class UnionReport(UnionWalk):
    """Explains the failing unions of one package's contracts."""

    def __init__(
        self,
        documents: Mapping[str, Any],
        drafts: Mapping[str, str],
        ids: Mapping[str, str],
        raw: Raw,
        doomed: Doomed | None = None,
        passes: Passes | None = None,
    ) -> None:
        self.documents = documents  # path -> schema
        self.drafts = drafts  # path -> "7" or "2020-12"
        self.ids = ids  # absolute URI ($id) -> path
        self.raw = raw
        self.doomed = doomed
        self.passes = passes
        self._schemas: dict[tuple[str, str], Any] = {}
        self._tags: dict[tuple[str, str, str], dict[str, dict[str, int]]] = {}
        self._carries: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {}
        # _carried's strings of the locations no loop is met below (resolved).
        self._carried_at: dict[tuple[str, str], dict[str, tuple[str, ...]]] = {}
        self._shapes: dict[tuple[str, str], list[_Shape]] = {}
        self._names: dict[tuple[str, str, str], list[str]] = {}
        self._plans: dict[tuple[str, str], _Plan] = {}
        self._walks = _Walks()
        self.skips = True  # False: walk every value (tests compare the two)
        # False: every branch a closest one is picked from is asked (tests).
        self.floors = True
        # For tests: when set, every such branch is asked all the same and
        # (its floor, its count of members in error) added (runtime/_bounds.py).
        self.audit: list[tuple[int, int]] | None = None
        self.bounds = Bounds(self.schema, self.target, doomed, self.tags_at)

    # -- the report ------------------------------------------------------------
    def names(self, site: _Site) -> list[str]:
        """Each branch's name (:meth:`name`), remembered per union."""
        key = (site.path, site.pointer, site.keyword)
        found = self._names.get(key)
        if found is None:
            found = self._names[key] = [self.name(site, i) for i in range(site.count)]
        return found

    def name(self, site: _Site, index: int) -> str:
        here = pointer_join(site.pointer, site.keyword, index)
        branch = self.schema(site.path, here)
        if isinstance(branch, dict):
            if isinstance(branch.get("title"), str):
                return str(branch["title"])
            path, pointer, target = self.resolved(site.path, here)
            if (path, pointer) != (site.path, here):
                if isinstance(target, dict) and isinstance(target.get("title"), str):
                    return str(target["title"])
                tokens = pointer_tokens(pointer)
                return tokens[-1] if tokens else posixpath.basename(path)
            if isinstance(branch.get("type"), str):
                return str(branch["type"])
        return f"{site.keyword}/{index}"

    def tags(self, site: _Site) -> dict[str, dict[str, int]]:
        """Discriminator candidates: property -> each string it may hold -> the
        branch it names, remembered per union (the documents do not change)."""
        return self.tags_at(site.path, site.pointer, site.keyword, site.count)

    def tags_at(
        self, path: str, pointer: str, keyword: str, count: int
    ) -> dict[str, dict[str, int]]:
        """:meth:`tags` of the union at ``path#pointer``."""
        key = (path, pointer, keyword)
        found = self._tags.get(key)
        if found is None:
            found = self._tags[key] = self._fixed(path, pointer, keyword, count)
        return found

    def _fixed(
        self, path: str, pointer: str, keyword: str, count: int
    ) -> dict[str, dict[str, int]]:
        """The properties every branch fixes (:meth:`carries`) where no string
        is fixed by two branches, each string with the branch it names, in
        branch order."""
        carried = []
        for i in range(count):
            found = self.carries(path, pointer_join(pointer, keyword, i))
            if not found:
                return {}
            carried.append(found)
        fixed: dict[str, dict[str, int]] = {}
        for key in carried[0]:
            owners: dict[str, int] | None = {}
            for i, found in enumerate(carried):
                if owners is None or key not in found:
                    owners = None
                    break
                for string in found[key]:
                    if owners.setdefault(string, i) != i:
                        owners = None  # a string two branches hold names neither
                        break
            if owners is not None:
                fixed[key] = owners
        return fixed

    def carries(self, path: str, pointer: str) -> dict[str, tuple[str, ...]]:
        """The strings the schema at a location fixes properties to
        (:meth:`_carried`), remembered per location."""
        found = self._carries.get((path, pointer))
        if found is None:
            found = self._carries[(path, pointer)] = self._carried(path, pointer, {})[0]
        return found

    def _carried(
        self,
        path: str,
        pointer: str,
        seen: dict[tuple[str, str], tuple[dict[str, tuple[str, ...]], bool]],
    ) -> tuple[dict[str, tuple[str, ...]], bool]:
        """The strings a schema (its chain of lone ``$ref`` s followed) fixes
        properties to: a string ``const`` (or one-string ``enum``) of its
        ``properties``; and for a property not fixed so, where the schema is a
        ``oneOf`` (else ``anyOf``) every member of which fixes it, all their
        strings, in member order, recursively. ``seen``: the locations met in this
        search (a location met again, in a loop, fixes nothing).

        With whether the search met a loop (a location still being searched)
        below it: where it did not, the strings are the location's whatever
        search meets it, and are remembered for the next one (a union's
        members, asked again as the branches of their own union)."""
        path, pointer, schema = self.resolved(path, pointer)
        key = (path, pointer)
        known = self._carried_at.get(key)
        if known is not None:
            return known, False
        if key in seen:
            return seen[key]
        seen[key] = ({}, True)  # a loop back here: nothing, and not remembered
        fixed: dict[str, tuple[str, ...]] = {}
        looped = False
        props = schema.get("properties") if isinstance(schema, dict) else None
        for name, prop in (props if isinstance(props, dict) else {}).items():
            const = prop.get("const") if isinstance(prop, dict) else None
            enum = prop.get("enum") if isinstance(prop, dict) else None
            if isinstance(enum, list) and len(enum) == 1:
                const = enum[0]
            if isinstance(const, str):
                fixed[name] = (const,)
        for keyword in ("oneOf", "anyOf"):
            branches = schema.get(keyword) if isinstance(schema, dict) else None
            if not isinstance(branches, list) or not branches:
                continue
            members = []
            for j in range(len(branches)):
                found, loop = self._carried(
                    path, pointer_join(pointer, keyword, j), seen
                )
                members.append(found)
                looped = looped or loop
            for name in members[0]:
                if name not in fixed and all(name in m for m in members):
                    strings = (s for m in members for s in m[name])
                    fixed[name] = tuple(dict.fromkeys(strings))
        seen[key] = (fixed, looped)
        if not looped:
            self._carried_at[key] = fixed
        return fixed, looped

    def branch(self, site: _Site, index: int) -> list[Violation]:
        """A branch's errors, its own failing unions explained in turn."""
        here = pointer_join(site.pointer, site.keyword, index)
        errors = site.errors(index)
        return self.explain(site.path, here, site.value, errors, site.at)

    def choose(self, site: _Site) -> tuple[int, str | None, list[Violation]]:
        """The branch meant, the discriminator that named it (if one did), and
        the branch's errors. A discriminator value that names no branch is the
        error (index -1). Otherwise the closest (:meth:`ranked`;
        runtime._bounds.closest), of the branches whose own tags name the value
        (:meth:`named`), else of all."""
        if isinstance(site.value, dict):
            tags = sorted(self.tags(site).items())
            for key, owners in tags:
                given = site.value.get(key)
                if isinstance(given, str) and given in owners:
                    index = owners[given]
                    return index, key, self.branch(site, index)
            for key, owners in tags:
                if key in site.value:
                    named = ", ".join(show(c) for c in owners)
                    wrong = Violation(
                        pointer_join(site.at, key),
                        f"one of {named}",
                        show(site.value[key]),
                    )
                    return -1, key, [wrong]
        # The branches whose own tags name the value, if any (the others'
        # errors are then not worded).
        meant = [i for i in range(site.count) if self.named(site, i)]
        holder = self.schema(site.path, site.pointer)
        props = holder.get("properties") if isinstance(holder, dict) else None
        beside = frozenset(props) if isinstance(props, dict) else frozenset()
        return closest(self, site, meant or list(range(site.count)), beside)

    def ranked(
        self, site: _Site, errors: list[Violation], index: int, fit: int | None
    ) -> tuple[int, ...]:
        """A branch's rank (less is closer), its :meth:`misfit` being ``fit``:
        first the branches whose shape the value fits (misfit 0; the properties
        the schema holding the union declares beside it are no misfit), then the
        fewest members in error, the deepest error, the fewest errors
        (:meth:`closeness`), then the fewest misfits (a branch with no shape after
        any count), then the first."""
        touched, deepest, count = self.closeness(site, errors)
        shapeless = fit is None
        return (fit != 0, touched, deepest, count, shapeless, fit or 0, index)

    def closeness(self, site: _Site, errors: list[Violation]) -> tuple[int, int, int]:
        """How far a branch is from the value (less is closer): how many of the
        value's members (properties or items, present or required) have an error
        at or below them, an error about the value itself counting every member
        (one at least), a union's own line not counted (its branch's errors are);
        then the deepest error, negated (the branch matched furthest); then how
        many errors."""
        lines = self._walks.lines or ()
        members: set[str] = set()
        whole = False
        depth = 0
        start = len(site.at) + 1
        for v in errors:
            depth = max(depth, v.pointer.count("/"))
            if v.pointer == site.at:
                whole = whole or v not in lines
            else:
                slash = v.pointer.find("/", start)
                members.add(v.pointer[start:] if slash < 0 else v.pointer[start:slash])
        touched = len(members)
        if whole:
            size = len(site.value) if isinstance(site.value, dict | list) else 0
            touched = max(touched, size, 1)
        return touched, -depth, len(errors)

    def misfit(
        self, value: Any, path: str, pointer: str, beside: frozenset[str] = frozenset()
    ) -> int | None:
        """How far the value's shape is from the branch at ``path#pointer`` (less
        is closer): of the branch's shapes (:meth:`shapes`), the fewest of the
        value's properties it does not declare plus its required properties the
        value lacks (0: the value fits the branch's shape); None for a value that
        is not an object or a branch with no shape. The value's properties in
        ``beside`` are not counted. It tells apart the events of a webhook whose
        ``action`` names none: each fails on its ``action`` alone."""
        if not isinstance(value, dict):
            return None
        best: int | None = None
        keys = value.keys()
        own = keys - beside if beside else keys  # the value's names counted
        for declared, required in self.shapes(path, pointer):
            count = len(required.difference(keys)) if required else 0
            if declared is not None:
                count += len(own - declared)
            best = count if best is None else min(best, count)
        return best

    def shapes(self, path: str, pointer: str) -> list[_Shape]:
        """The shapes of the schema at a location (:meth:`_shaped`), remembered."""
        found = self._shapes.get((path, pointer))
        if found is None:
            found = self._shapes[(path, pointer)] = self._shaped(path, pointer, set())
        return found

    def _shaped(
        self, path: str, pointer: str, seen: set[tuple[str, str]]
    ) -> list[_Shape]:
        """The object shapes a schema (its chain of lone ``$ref`` s followed)
        allows, each the names its ``properties`` declare (None: it has no
        ``properties``) and its ``required`` names: its own, or where it is a
        ``oneOf`` (else ``anyOf``), one per shape of each member, its own names
        added (each shape once, in member order). No shape for a schema that
        names no property; a location met again (a loop) has none."""
        path, pointer, schema = self.resolved(path, pointer)
        if not isinstance(schema, dict) or (path, pointer) in seen:
            return []
        seen.add((path, pointer))
        props = schema.get("properties")
        declared = frozenset(props) if isinstance(props, dict) else None
        listed = schema.get("required")
        required = frozenset(
            r
            for r in (listed if isinstance(listed, list) else ())
            if isinstance(r, str)
        )
        for keyword in ("oneOf", "anyOf"):
            branches = schema.get(keyword)
            if not isinstance(branches, list) or not branches:
                continue
            shapes: list[_Shape] = []
            for j in range(len(branches)):
                member = pointer_join(pointer, keyword, j)
                for names, needed in self._shaped(path, member, seen):
                    if declared is not None:
                        names = declared if names is None else declared | names
                    shapes.append((names, required | needed))
            seen.discard((path, pointer))
            return list(dict.fromkeys(shapes))
        seen.discard((path, pointer))
        if declared is None and not required:
            return []
        return [(declared, required)]

    def named(self, site: _Site, index: int) -> bool:
        """Whether the branch's own tags (:meth:`carries`) name the value: it
        holds a property the branch fixes, as one of the branch's strings, and
        none otherwise."""
        if not isinstance(site.value, dict):
            return False
        found = False
        for key, strings in self.carries(site.path, site.here(index)).items():
            if key in site.value:
                given = site.value[key]
                if not isinstance(given, str) or given not in strings:
                    return False
                found = True
        return found

    def line(self, site: _Site, chosen: int, tag: str | None) -> Violation:
        names = self.names(site)
        tried = ", ".join(names[:SHOWN])
        if len(names) > SHOWN:
            tried += f" and {len(names) - SHOWN} more"
        passing = [n for i, n in enumerate(names) if not site.fails(i)]
        if passing:
            expected = f"exactly one branch to match ({', '.join(passing)} match)"
        elif chosen < 0:
            expected = f'a branch its "{tag}" names (tried {tried})'
        else:
            how = f'picked by its "{tag}"' if tag else "the closest"
            expected = f"the {names[chosen]} branch ({how}; tried {tried})"
        return Violation(site.at, expected, self._show(site.value))

    def _show(self, value: Any) -> str:
        """:func:`show`, remembered by the value's id while a message is worded."""
        shown = self._walks.shown
        if shown is None or not isinstance(value, dict | list):
            return show(value)
        found = shown.get(id(value))
        if found is None:
            found = shown[id(value)] = (value, show(value))
        return found[1]

    def _summaries(self, site: _Site, found: list[Violation]) -> set[Violation]:
        """A validator's own lines about the union: its oneOf/anyOf summary and
        Ajv's discriminator errors (the Node bundle marks tagged unions)."""
        schema = self.schema(site.path, site.pointer)
        mark = schema.get("discriminator") if isinstance(schema, dict) else None
        tag = mark.get("propertyName") if isinstance(mark, dict) else None
        tag_at = pointer_join(site.at, tag) if isinstance(tag, str) else None
        tag_lines = {f'a "{tag}" tag of one of the branches', "a string"}
        tag_lines.add("a required property")
        return {
            v
            for v in found
            if (v.pointer == site.at and v.expected.startswith(("oneOf:", "anyOf:")))
            or (v.pointer == tag_at and v.expected in tag_lines)
        }

    def rewrite(
        self, path: str, pointer: str, value: Any, found: list[Violation]
    ) -> list[Violation]:
        """``found`` (a validator's violations of ``value`` against the contract at
        ``path#pointer``) with each failing union explained; ``found`` itself when
        the value fails no union. Only unions with a violation at or below them in
        ``found`` are looked at."""
        near = [v.pointer for v in found]
        if self._walks.sizes is not None:
            return self._rewrite(path, pointer, value, found, near)
        self._walks.sizes = {}  # the values' ids stay theirs meanwhile
        self._walks.shown = {}
        self._walks.lines = set()
        try:
            return self._rewrite(path, pointer, value, found, near)
        finally:
            self._walks.sizes = self._walks.shown = self._walks.lines = None

    def _rewrite(
        self,
        path: str,
        pointer: str,
        value: Any,
        found: list[Violation],
        near: list[str],
    ) -> list[Violation]:
        sites = self.sites(path, pointer, value, "", near)
        if not sites:
            return found
        return self._apply(sites, _prefixed("", self.raw(path, pointer, value)))

    def explain(
        self, path: str, pointer: str, value: Any, raw: tuple[Violation, ...], at: str
    ) -> list[Violation]:
        """``raw`` (the violations of ``value`` at ``path#pointer``, pointers from
        the root) with each failing union's report in place of its noise."""
        near = [v.pointer for v in raw]
        return self._apply(self.sites(path, pointer, value, at, near), raw)

    def _apply(self, sites: list[_Site], raw: tuple[Violation, ...]) -> list[Violation]:
        result = list(raw)
        for site in sorted(sites, key=lambda s: (s.at, s.pointer)):
            noise = self._summaries(site, result)
            # Only a violation at or below the union can be one of a branch's:
            # the branches' violations are worded only when there is one.
            if any(_under(v.pointer, site.at) and v not in noise for v in result):
                for i in range(site.count):
                    noise.update(site.errors(i) if site.fails(i) else ())
            result = [v for v in result if v not in noise]
            if all(site.fails(i) for i in range(site.count)):
                chosen, tag, errors = self.choose(site)
                line = self.line(site, chosen, tag)
                if self._walks.lines is not None:
                    self._walks.lines.add(line)  # see closeness
                result += [line, *errors]
            else:
                result.append(self.line(site, 0, None))
        return sorted(set(result), key=_ORDER)


class _Contracts(Protocol):
    """What :func:`report_for` reads of runtime.contracts.Contracts."""

    package: str

    @property
    def walk(self) -> Any: ...  # runtime._errorwalk.ErrorWalk | None
    @property
    def full_checker(self) -> Any: ...  # runtime._fullcheck.FullCheck

    def full_violations(
        self, contract: str, instance: Any, keywords: frozenset[str] | None = None
    ) -> list[Violation]: ...


def report_for(contracts: _Contracts) -> UnionReport:
    """The union report of a package's runtime.contracts.Contracts, with the full
    check as the validator of one schema location (on the failure path only)."""
    from runtime._schemafiles import LazyDocuments, LazyDrafts

    def located(path: str, pointer: str) -> str:  # a location as a contract
        where = quote(pointer, safe="/~$!&'()*+,;=:@")
        return f"{path}#{where}" if pointer else path

    def raw(path: str, pointer: str, value: Any) -> list[Violation]:
        return contracts.full_violations(located(path, pointer), value)

    def passes(path: str, pointer: str, value: Any) -> bool:
        contract = located(path, pointer)
        walk = contracts.walk
        found: bool | None = None if walk is None else walk.passes(contract, value)
        return (
            not contracts.full_violations(contract, value) if found is None else found
        )

    def doomed(path: str, pointer: str, value: Any) -> bool:
        walk = contracts.walk
        if walk is not None:  # no jsonschema needed
            return bool(walk.doomed_at(path, pointer, value))
        return bool(contracts.full_checker.doomed_at(path, pointer, value))

    # The full check is built only when a failing union asks for a branch's
    # words or a $ref names a file by $id; files not read yet, when asked for.
    built = contracts.__dict__.get("full_checker")
    if built is not None:
        documents, drafts = built.documents, built.draft_of
    elif "_schemas" in contracts.__dict__:
        schemas = contracts.__dict__["_schemas"]
        parsed = ((path, value) for path, _, value in schemas)
        documents, drafts = schema_documents(None, parsed)
    else:
        documents = LazyDocuments(contracts.package)
        drafts = LazyDrafts(documents)

    def canonical() -> Any:  # the walk or the full check, when first asked
        return (contracts.walk or contracts.full_checker).canonical

    return UnionReport(documents, drafts, LazyIds(canonical), raw, doomed, passes)
