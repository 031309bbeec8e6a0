"""Failing unions explain themselves.

When a value fails a ``oneOf`` or ``anyOf``, a validator reports every branch's
errors mixed together (or only a summary). This rewrites such a report: for each
union the value fails, one line names the branch the value was meant for and the
alternatives tried, followed by that branch's errors only. The Node runtime
(``_unions.js``) runs the same steps, so both print the same lines.

The branch meant: the one a discriminator names (a property every branch fixes to
a string ``const``, or a one-string ``enum``, whose value the message carries),
otherwise the closest: fewest errors, then the deepest error, then the first.

Only the failure path runs this. It needs the package's schema documents and one
primitive, ``raw(path, pointer, value)``: the violations of ``value`` against the
schema at ``path#pointer``, with pointers relative to ``value``; and optionally
another, ``doomed(path, pointer, value)``: whether the value surely fails there
(then the branch's violations are worded only where the report needs them).
"""

from __future__ import annotations

import json
import posixpath
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from runtime._violation_text import show
from runtime.errors import Violation
from runtime.jsonpointer import pointer_join, pointer_tokens

Raw = Callable[[str, str, Any], list[Violation]]
Doomed = Callable[[str, str, Any], bool]
ROOT_URI = "file:///schemas/"
SHOWN = 8  # branch names listed before "and N more"
MAX_STEPS = 10_000  # schema locations visited per value, at most ($ref loops)


@dataclass(eq=False)
class _Site:
    """A union and a value. Each branch's violations (pointers absolute) are
    asked of ``raw`` when first needed; whether a branch fails, of ``doomed``
    first (a branch it rules out needs no walk of the value to say so)."""

    path: str
    pointer: str  # of the schema holding the union
    keyword: str  # oneOf or anyOf
    at: str  # the value's pointer
    value: Any
    count: int  # branches
    raw: Raw
    doomed: Doomed | None
    _errors: dict[int, tuple[Violation, ...]] = field(default_factory=dict)
    _fails: dict[int, bool] = field(default_factory=dict)

    def here(self, index: int) -> str:
        return pointer_join(self.pointer, self.keyword, index)

    def errors(self, index: int) -> tuple[Violation, ...]:
        found = self._errors.get(index)
        if found is None:
            found = self._errors[index] = _prefixed(
                self.at, self.raw(self.path, self.here(index), self.value)
            )
        return found

    def fails(self, index: int) -> bool:
        """Whether the value fails a branch (it then has violations)."""
        found = self._fails.get(index)
        if found is None:
            found = self._fails[index] = (
                index not in self._errors
                and self.doomed is not None
                and self.doomed(self.path, self.here(index), self.value)
            ) or bool(self.errors(index))
        return found

    def passing(self, enough: int) -> int:
        """How many branches the value passes, counted up to ``enough``."""
        count = 0
        for index in range(self.count):
            if not self.fails(index):
                count += 1
                if count >= enough:
                    break
        return count


def _under(pointer: str, at: str) -> bool:
    return pointer == at or pointer.startswith(at + "/")


def _covering(pointers: list[str]) -> set[str]:
    """The pointers at or above any of ``pointers``: ``at`` is one of them exactly
    when some pointer is ``_under(pointer, at)``."""
    found = set()
    for pointer in pointers:
        found.add(pointer)
        slash = pointer.find("/")
        while slash >= 0:
            found.add(pointer[:slash])
            slash = pointer.find("/", slash + 1)
    return found


def _prefixed(at: str, found: list[Violation]) -> tuple[Violation, ...]:
    if not at:
        return tuple(found)
    return tuple(Violation(at + v.pointer, v.expected, v.got) for v in found)


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


@dataclass(frozen=True)
class _Plan:
    """Where the walk goes from a schema location: the locations of the same
    value ($ref, allOf), then, for an object, each property's (in name order)
    and the other properties'; for an array, each prefix item's and the rest's.
    ``props`` and ``prefix`` are None after a draft-07 $ref (nothing beside it
    is read)."""

    same: tuple[tuple[str, str], ...]
    props: tuple[tuple[str, str], ...] | None
    names: frozenset[str]
    extra: str | None
    prefix: tuple[str, ...] | None
    rest: str | None


class _Walks(threading.local):
    """The walk's step counts per (location, value), while one message is
    worded (see UnionReport._steps)."""

    sizes: dict[tuple[str, str, int], int] | None = None
    shown: dict[int, tuple[Any, str]] | None = None  # see UnionReport._show


class UnionReport:
    """Explains the failing unions of one package's contracts."""

    def __init__(
        self,
        documents: dict[str, Any],
        drafts: dict[str, str],
        ids: Mapping[str, str],
        raw: Raw,
        doomed: Doomed | None = None,
    ) -> None:
        self.documents = documents  # path -> schema
        self.drafts = drafts  # path -> "7" or "2020-12"
        self.ids = ids  # absolute URI ($id) -> path
        self.raw = raw
        self.doomed = doomed
        self._schemas: dict[tuple[str, str], Any] = {}
        self._tags: dict[tuple[str, str, str], dict[str, list[str | None]]] = {}
        self._names: dict[tuple[str, str, str], list[str]] = {}
        self._plans: dict[tuple[str, str], _Plan] = {}
        self._walks = _Walks()
        self.skips = True  # False: walk every value (tests compare the two)

    # -- schema locations ------------------------------------------------------
    def schema(self, path: str, pointer: str) -> Any:
        """The schema at a location (None if there is none), remembered: the
        documents do not change."""
        key = (path, pointer)
        if key in self._schemas:
            return self._schemas[key]
        found = self._schemas[key] = self._lookup(path, pointer)
        return found

    def _lookup(self, path: str, pointer: str) -> Any:
        node = self.documents.get(path)
        for token in pointer_tokens(pointer):
            if isinstance(node, list) and token.isascii() and token.isdigit():
                if int(token) >= len(node):
                    return None
                node = node[int(token)]
            elif isinstance(node, dict) and token in node:
                node = node[token]
            else:
                return None
        return node

    def target(self, path: str, ref: str) -> tuple[str, str] | None:
        """Where a ``$ref`` leads, for references by file and JSON pointer."""
        base, _, fragment = ref.partition("#")
        if fragment and not fragment.startswith("/"):
            return None  # an anchor
        if ":" in base:
            where = self.ids.get(base, base.removeprefix(ROOT_URI))
        elif base:
            where = posixpath.normpath(posixpath.join(posixpath.dirname(path), base))
        else:
            where = path
        if where not in self.documents:
            return None
        return where, fragment

    def resolved(self, path: str, pointer: str) -> tuple[str, str, Any]:
        """A location with its chain of lone ``$ref`` s followed (20 at most)."""
        for _ in range(20):
            schema = self.schema(path, pointer)
            ref = schema.get("$ref") if isinstance(schema, dict) else None
            goes = self.target(path, ref) if isinstance(ref, str) else None
            if goes is None:
                return path, pointer, schema
            path, pointer = goes
        return path, pointer, self.schema(path, pointer)

    # -- the walk --------------------------------------------------------------
    def sites(
        self, path: str, pointer: str, value: Any, at: str, near: list[str]
    ) -> list[_Site]:
        """The unions the value fails, reached from a location through $ref, allOf,
        properties, additionalProperties and items (not through other unions),
        where a violation pointer in ``near`` is at or below the value.

        The walk stops after MAX_STEPS locations (a $ref loop). When the whole
        walk takes fewer, it skips each value no pointer in ``near`` is at or
        below: no union there or deeper can be reported, and the unions found
        are the same, in the same order."""
        if not near:
            return []
        covered = _covering(near)
        whole = not self.skips or self._steps(path, pointer, value) >= MAX_STEPS
        found: list[_Site] = []
        stack = [(path, pointer, value, at)]
        steps = 0
        while stack and steps < MAX_STEPS:
            steps += 1
            path, pointer, value, at = stack.pop()
            schema = self.schema(path, pointer)
            if not isinstance(schema, dict):
                continue
            children = list(self._children(path, pointer, schema, value))
            for where, there, item, token in reversed(children):
                if token is None:
                    stack.append((where, there, item, at))
                    continue
                below = pointer_join(at, token)
                if whole or below in covered:
                    stack.append((where, there, item, below))
            for keyword in ("anyOf", "oneOf"):
                branches = schema.get(keyword)
                if not isinstance(branches, list) or at not in covered:
                    continue
                site = _Site(
                    path, pointer, keyword, at, value, len(branches), self.raw,
                    self.doomed,
                )  # fmt: skip
                passing = site.passing(2 if keyword == "oneOf" else 1)
                if passing == 0 or (keyword == "oneOf" and passing > 1):
                    found.append(site)
        return found

    def _steps(self, path: str, pointer: str, value: Any) -> int:
        """How many locations the walk from a location visits, MAX_STEPS at most
        (also for a $ref loop), remembered for the message being worded."""
        sizes = self._walks.sizes
        if sizes is None:
            sizes = {}
        top = (path, pointer, id(value))
        if top in sizes:
            return sizes[top]
        # Frames: key, children left (location, value), steps so far.
        frames: list[tuple[Any, list[tuple[str, str, Any]], list[int]]] = []
        open_keys: set[Any] = set()

        def enter(path: str, pointer: str, value: Any) -> None:
            schema = self.schema(path, pointer)
            kids = []
            if isinstance(schema, dict):
                found = self._children(path, pointer, schema, value)
                kids = [(p, q, v) for p, q, v, _ in found]
            kids.reverse()
            key = (path, pointer, id(value))
            open_keys.add(key)
            frames.append((key, kids, [1]))

        enter(path, pointer, value)
        result = MAX_STEPS
        while frames:
            key, kids, total = frames[-1]
            if total[0] >= MAX_STEPS:
                kids.clear()
            if kids:
                p, q, v = kids.pop()
                child = (p, q, id(v))
                if child in open_keys:  # a loop: as many steps as allowed
                    total[0] = MAX_STEPS
                elif child in sizes:
                    total[0] += sizes[child]
                else:
                    enter(p, q, v)
                continue
            frames.pop()
            open_keys.discard(key)
            result = sizes[key] = min(total[0], MAX_STEPS)
            if frames:
                frames[-1][2][0] += result
        return result

    def _children(
        self, path: str, pointer: str, schema: dict[str, Any], value: Any
    ) -> Iterator[tuple[str, str, Any, str | int | None]]:
        """The locations the walk goes on to, with their values, and the token
        that leads to each value (None: the same value)."""
        plan = self._plans.get((path, pointer))
        if plan is None:
            plan = self._plans[(path, pointer)] = self._plan(path, pointer, schema)
        for where, there in plan.same:
            yield where, there, value, None
        if isinstance(value, dict) and plan.props is not None:
            for key, there in plan.props:
                if key in value:
                    yield path, there, value[key], key
            if plan.extra is not None:
                for key in sorted(k for k in value if k not in plan.names):
                    yield path, plan.extra, value[key], key
        if isinstance(value, list) and plan.prefix is not None:
            count = min(len(plan.prefix), len(value))
            for i in range(count):
                yield path, plan.prefix[i], value[i], i
            if plan.rest is not None:
                for i in range(count, len(value)):
                    yield path, plan.rest, value[i], i

    def _plan(self, path: str, pointer: str, schema: dict[str, Any]) -> _Plan:
        """Where the walk goes from a location (the same for every value)."""
        same: list[tuple[str, str]] = []
        ref = schema.get("$ref")
        if isinstance(ref, str):
            goes = self.target(path, ref)
            if goes is not None:
                same.append(goes)
            if self.drafts.get(path) == "7":  # it ignores the keywords beside $ref
                return _Plan(tuple(same), None, frozenset(), None, None, None)
        for i, _ in enumerate(schema.get("allOf") or ()):
            same.append((path, pointer_join(pointer, "allOf", i)))
        props = schema.get("properties")
        props = props if isinstance(props, dict) else {}
        ordered = tuple(
            (key, pointer_join(pointer, "properties", key)) for key in sorted(props)
        )
        extra = None
        if isinstance(schema.get("additionalProperties"), dict):
            if "patternProperties" not in schema:
                extra = pointer_join(pointer, "additionalProperties")
        if self.drafts.get(path) == "7":
            prefix, word, rest = schema.get("items"), "items", "additionalItems"
        else:
            prefix, word, rest = schema.get("prefixItems"), "prefixItems", "items"
        first: tuple[str, ...] = ()
        if isinstance(prefix, list):
            first = tuple(pointer_join(pointer, word, i) for i in range(len(prefix)))
        elif isinstance(prefix, dict):  # draft-07 items: one schema for every item
            rest = word
        after = (
            pointer_join(pointer, rest) if isinstance(schema.get(rest), dict) else None
        )
        return _Plan(tuple(same), ordered, frozenset(props), extra, first, after)

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

    def tags(self, site: _Site) -> dict[str, list[str | None]]:
        """Discriminator candidates: property -> each branch's fixed string,
        remembered per union (the documents do not change)."""
        key = (site.path, site.pointer, site.keyword)
        found = self._tags.get(key)
        if found is None:
            found = self._tags[key] = self._fixed(site)
        return found

    def _fixed(self, site: _Site) -> dict[str, list[str | None]]:
        count = site.count
        fixed: dict[str, list[str | None]] = {}
        for i in range(count):
            here = pointer_join(site.pointer, site.keyword, i)
            _, _, branch = self.resolved(site.path, here)
            props = branch.get("properties") if isinstance(branch, dict) else None
            if not isinstance(props, dict):
                return {}
            for key, prop in props.items():
                const = prop.get("const") if isinstance(prop, dict) else None
                enum = prop.get("enum") if isinstance(prop, dict) else None
                if isinstance(enum, list) and len(enum) == 1:
                    const = enum[0]
                if isinstance(const, str):
                    fixed.setdefault(key, [None] * count)[i] = const
        return {k: v for k, v in fixed.items() if None not in v}

    def branch(self, site: _Site, index: int) -> list[Violation]:
        """A branch's errors, its own failing unions explained in turn."""
        here = pointer_join(site.pointer, site.keyword, index)
        errors = site.errors(index)
        return self.explain(site.path, here, site.value, errors, site.at)

    def choose(self, site: _Site) -> tuple[int, str | None, list[Violation]]:
        """The branch meant, the discriminator that named it (if one did), and
        the branch's errors. A discriminator value that names no branch is the
        error (index -1). Otherwise the closest: the deepest error, then the
        fewest errors, then the first branch."""
        if isinstance(site.value, dict):
            tags = sorted(self.tags(site).items())
            for key, consts in tags:
                given = site.value.get(key)
                if isinstance(given, str) and given in consts:
                    index = consts.index(given)
                    return index, key, self.branch(site, index)
            for key, consts in tags:
                if key in site.value:
                    named = ", ".join(show(c) for c in dict.fromkeys(consts))
                    wrong = Violation(
                        pointer_join(site.at, key),
                        f"one of {named}",
                        show(site.value[key]),
                    )
                    return -1, key, [wrong]
        explained = [self.branch(site, i) for i in range(site.count)]

        def score(i: int) -> tuple[int, int, int]:
            depth = max((v.pointer.count("/") for v in explained[i]), default=0)
            return -depth, len(explained[i]), i

        best = min(range(len(explained)), key=score)
        return best, None, explained[best]

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
        try:
            return self._rewrite(path, pointer, value, found, near)
        finally:
            self._walks.sizes = self._walks.shown = None

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
                result += [self.line(site, chosen, tag), *errors]
            else:
                result.append(self.line(site, 0, None))
        return sorted(set(result))
