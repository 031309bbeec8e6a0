"""The walk of a union report (runtime/_union_report.py): from a schema location
and a value, the unions the value fails, through $ref, allOf, the ``then`` or
``else`` an ``if`` picks, properties, additionalProperties and items; and the
schema locations it reads.

Split from _union_report.py (the module bound of 600 lines); the report's steps
are in runtime/_union_report.py's docstring.
"""

from __future__ import annotations

import posixpath
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import cached_property, lru_cache
from typing import Any

from runtime.errors import Violation
from runtime.jsonpointer import (
    escape_token,
    pointer_join,
    pointer_tokens,
    unescape_token,
)

Raw = Callable[[str, str, Any], list[Violation]]
# Whether raw would find no violation (path, pointer, value), found without
# making them.
Passes = Callable[[str, str, Any], bool]
Doomed = Callable[[str, str, Any], bool]
ROOT_URI = "file:///schemas/"
_DATA = frozenset({"enum", "const", "examples", "default"})  # values, not schemas
MAX_STEPS = 10_000  # schema locations visited per value, at most ($ref loops)


def _prefixed(at: str, found: list[Violation]) -> tuple[Violation, ...]:
    if not at:
        return tuple(found)
    return tuple(Violation(at + v.pointer, v.expected, v.got) for v in found)


@lru_cache(maxsize=4096)
def _branch_pointers(pointer: str, keyword: str, count: int) -> tuple[str, ...]:
    """The pointers of a union's branches (the same unions are met by every
    refusal of a contract: a webhook's root has 66)."""
    return tuple(pointer_join(pointer, keyword, i) for i in range(count))


class _Site:
    """A union and a value. Each branch's violations (pointers absolute) are
    asked of ``raw`` when first needed; whether a branch fails, of ``doomed``
    first (a branch it rules out needs no walk of the value to say so).

    A plain class (no dataclass): the failure path imports this module, and
    making a dataclass costs about 0.4 ms at import."""

    __slots__ = (
        "path", "pointer", "keyword", "at", "value", "count", "raw", "doomed",
        "passes", "_heres", "_errors", "_fails",
    )  # fmt: skip

    def __init__(
        self,
        path: str,
        pointer: str,  # of the schema holding the union
        keyword: str,  # oneOf or anyOf
        at: str,  # the value's pointer
        value: Any,
        count: int,  # branches
        raw: Raw,
        doomed: Doomed | None,
        passes: Passes | None = None,
    ) -> None:
        self.path = path
        self.pointer = pointer
        self.keyword = keyword
        self.at = at
        self.value = value
        self.count = count
        self.raw = raw
        self.doomed = doomed
        self.passes = passes
        self._heres = _branch_pointers(pointer, keyword, count)
        self._errors: dict[int, tuple[Violation, ...]] = {}
        self._fails: dict[int, bool] = {}

    def here(self, index: int) -> str:
        return self._heres[index]

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
            if index in self._errors:
                found = bool(self._errors[index])
            elif self.doomed is not None and self.doomed(
                self.path, self.here(index), self.value
            ):
                found = True
            elif self.passes is not None:  # no violation made to say so
                found = not self.passes(self.path, self.here(index), self.value)
            else:
                found = bool(self.errors(index))
            self._fails[index] = found
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


_ABSENT: Any = object()


def _step(node: Any, token: str) -> Any:
    """The child a reference token (unescaped) names, or None."""
    if isinstance(node, list) and token.isascii() and token.isdigit():
        return node[int(token)] if int(token) < len(node) else None
    if isinstance(node, dict) and token in node:
        return node[token]
    return None


def _covering_tokens(pointers: list[str]) -> tuple[set[str], dict[str, set[str]]]:
    """The pointers at or above any of ``pointers`` (``at`` is one of them exactly
    when some pointer is ``_under(pointer, at)``), and for each of them, the
    tokens (escaped) that lead from it to the others one level down. One pass:
    a pointer met again has its ancestors in already."""
    covered: set[str] = set()
    below: dict[str, set[str]] = {}
    for pointer in pointers:
        while pointer not in covered:
            covered.add(pointer)
            slash = pointer.rfind("/")
            if slash < 0:
                break
            parent = pointer[:slash]
            found = below.get(parent)
            if found is None:
                below[parent] = {pointer[slash + 1 :]}
            else:
                found.add(pointer[slash + 1 :])
            pointer = parent
    return covered, below


class _Plan:
    """Where the walk goes from a schema location: the locations of the same
    value ($ref, allOf, then the ``then`` or ``else`` its ``if`` picks), then,
    for an object, each property's (in name order) and the other properties';
    for an array, each prefix item's and the rest's. ``props`` and ``prefix``
    are None after a draft-07 $ref (nothing beside it is read). Never changed
    once made (a plain class, as :class:`_Site`)."""

    __slots__ = ("same", "props", "names", "extra", "prefix", "rest", "cond")

    def __init__(
        self,
        same: tuple[tuple[str, str], ...],
        props: tuple[tuple[str, str], ...] | None,
        names: frozenset[str],
        extra: str | None,
        prefix: tuple[str, ...] | None,
        rest: str | None,
        cond: tuple[str, str | None, str | None] | None = None,  # if, then, else
    ) -> None:
        self.same = same
        self.props = props
        self.names = names
        self.extra = extra
        self.prefix = prefix
        self.rest = rest
        self.cond = cond


class _Walks(threading.local):
    """The walk's step counts per (location, value), while one message is
    worded (see UnionWalk._steps)."""

    sizes: dict[tuple[str, str, int], int] | None = None
    shown: dict[int, tuple[Any, str]] | None = None  # see UnionReport._show
    lines: set[Violation] | None = None  # the union lines worded (closeness)


class UnionWalk:
    """The schema locations and the walk of a :class:`UnionReport`, which sets
    these attributes."""

    documents: Mapping[str, Any]  # path -> schema
    drafts: Mapping[str, str]  # path -> "7" or "2020-12"
    ids: Mapping[str, str]  # absolute URI ($id) -> path
    raw: Raw
    doomed: Doomed | None
    passes: Passes | None
    skips: bool  # False: walk every value (tests compare the two)
    _schemas: dict[tuple[str, str], Any]
    _plans: dict[tuple[str, str], _Plan]
    _walks: _Walks

    # -- schema locations ------------------------------------------------------
    def schema(self, path: str, pointer: str) -> Any:
        """The schema at a location (None if there is none), remembered: the
        documents do not change. Each location on the way is remembered too:
        most locations asked are below one asked before (a union's branches, a
        schema's properties, a definition's members), a step or two from it."""
        key = (path, pointer)
        schemas = self._schemas
        if key in schemas:
            return schemas[key]
        if pointer and pointer[0] != "/":
            return self._lookup(path, pointer)  # not a pointer: ValueError
        # The nearest location above that is remembered, then down from there.
        cut = len(pointer)
        node: Any = _ABSENT
        while cut > 0:
            cut = pointer.rfind("/", 0, cut)
            node = schemas.get((path, pointer[:cut]), _ABSENT)
            if node is not _ABSENT:
                break
        if node is _ABSENT:  # cut is 0: from the document
            node = schemas[(path, "")] = self.documents.get(path)
        while cut < len(pointer):
            end = pointer.find("/", cut + 1)
            end = len(pointer) if end < 0 else end
            node = _step(node, unescape_token(pointer[cut + 1 : end]))
            schemas[(path, pointer[:end])] = node
            cut = end
        return node

    def _lookup(self, path: str, pointer: str) -> Any:
        node = self.documents.get(path)
        for token in pointer_tokens(pointer):
            node = _step(node, token)
            if node is None:
                return None
        return node

    def target(self, path: str, ref: str) -> tuple[str, str] | None:
        """Where a ``$ref`` leads, for references by file and JSON pointer."""
        base, _, fragment = ref.partition("#")
        if fragment and not fragment.startswith("/"):
            return None  # an anchor
        if ":" in base:
            where = self.ids.get(base, base.removeprefix(ROOT_URI))
            if where not in self.documents and base in self._embedded:
                # a subschema's own $id (the Node bundle makes it file#pointer)
                where, at = self._embedded[base]
                return where, at + fragment
        elif base:
            where = posixpath.normpath(posixpath.join(posixpath.dirname(path), base))
        else:
            where = path
        if where not in self.documents:
            return None
        return where, fragment

    @cached_property
    def _embedded(self) -> dict[str, tuple[str, str]]:
        """The absolute ``$id`` of each subschema that has one -> (path, pointer)."""
        found: dict[str, tuple[str, str]] = {}

        def visit(node: Any, path: str, at: str) -> None:
            if isinstance(node, dict):
                uri = node.get("$id")
                if at and isinstance(uri, str) and ":" in uri:
                    found.setdefault(uri.rstrip("#"), (path, at))
                for key, value in node.items():
                    if key not in _DATA:
                        visit(value, path, pointer_join(at, key))
            elif isinstance(node, list):
                for i, value in enumerate(node):
                    visit(value, path, pointer_join(at, i))

        for path in list(self.documents):
            visit(self.documents[path], path, "")
        return found

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
        the ``then`` or ``else`` an ``if`` picks, properties, additionalProperties
        and items (not through other unions), where a violation pointer in
        ``near`` is at or below the value.

        The walk stops after MAX_STEPS locations (a $ref loop). When the whole
        walk takes fewer, it skips each value no pointer in ``near`` is at or
        below: no union there or deeper can be reported, and the unions found
        are the same, in the same order. The skipping walk visits the locations
        of the whole one whose value is at or above a pointer in ``near``, in the
        same order, so it finds the unions the whole walk finds unless that one
        stops early: the whole walk's size is asked only when the skipping walk
        found a union (a stopped walk finds fewer, never more)."""
        if not near:
            return []
        covered, below = _covering_tokens(near)
        if not self.skips:
            return self._walk(path, pointer, value, at, covered, None)
        found = self._walk(path, pointer, value, at, covered, below)
        if found and self._steps(path, pointer, value) >= MAX_STEPS:
            return self._walk(path, pointer, value, at, covered, None)
        return found

    def _walk(
        self,
        path: str,
        pointer: str,
        value: Any,
        at: str,
        covered: set[str],
        below: dict[str, set[str]] | None,
    ) -> list[_Site]:
        """The walk of :meth:`sites`: every value (``below`` None), or only the
        values at or above a covered pointer (``below``: each covered pointer's
        tokens to covered pointers one level down)."""
        found: list[_Site] = []
        stack = [(path, pointer, value, at)]
        steps = 0
        while stack and steps < MAX_STEPS:
            steps += 1
            path, pointer, value, at = stack.pop()
            schema = self.schema(path, pointer)
            if not isinstance(schema, dict):
                continue
            if below is None:
                children = list(self._children(path, pointer, schema, value))
            else:
                tokens = below.get(at)
                children = list(
                    self._children_at(path, pointer, schema, value, tokens or ())
                )
            for where, there, item, token in reversed(children):
                if token is None:
                    stack.append((where, there, item, at))
                    continue
                # Whole: every value; else _children_at gave the covered only.
                stack.append((where, there, item, pointer_join(at, token)))
            for keyword in ("anyOf", "oneOf"):
                branches = schema.get(keyword)
                if not isinstance(branches, list) or at not in covered:
                    continue
                site = _Site(
                    path, pointer, keyword, at, value, len(branches), self.raw,
                    self.doomed, self.passes,
                )  # fmt: skip
                passing = site.passing(2 if keyword == "oneOf" else 1)
                if passing == 0 or (keyword == "oneOf" and passing > 1):
                    found.append(site)
        return found

    def _children_at(
        self,
        path: str,
        pointer: str,
        schema: dict[str, Any],
        value: Any,
        tokens: Iterable[str],
    ) -> Iterator[tuple[str, str, Any, str | int | None]]:
        """:meth:`_children`, in the same order, with only the values whose token
        (escaped, as in a pointer) is one of ``tokens``: the same value's
        locations, and of the rest, those the whole list leads to by ``tokens``."""
        plan = self._plan_at(path, pointer, schema)
        for where, there in plan.same:
            yield where, there, value, None
        for there in self._conditional(path, plan, value):
            yield path, there, value, None
        if isinstance(value, dict) and plan.props is not None:
            keys = []
            for token in tokens:
                key = unescape_token(token)
                if key in value and escape_token(key) == token:
                    keys.append(key)
            keys.sort()
            for key in keys:
                if key in plan.names:
                    yield (
                        path,
                        pointer_join(pointer, "properties", key),
                        value[key],
                        key,
                    )
            if plan.extra is not None:
                for key in keys:
                    if key not in plan.names:
                        yield path, plan.extra, value[key], key
        if isinstance(value, list) and plan.prefix is not None:
            count = min(len(plan.prefix), len(value))
            indexes = sorted(
                int(t)
                for t in tokens
                if t.isascii() and t.isdigit() and str(int(t)) == t
                and int(t) < len(value)
            )  # fmt: skip
            for i in indexes:
                if i < count:
                    yield path, plan.prefix[i], value[i], i
                elif plan.rest is not None:
                    yield path, plan.rest, value[i], i

    def _steps(self, path: str, pointer: str, value: Any) -> int:
        """How many locations the walk from a location visits, MAX_STEPS at most
        (also for a $ref loop), remembered for the message being worded. Both the
        ``then`` and the ``else`` of an ``if`` are counted: a bound, the same for
        every value, so no ``if`` is asked for it (above the bound, the whole walk
        is taken, which finds what the skipping one finds when both are below)."""
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
                found = self._children(path, pointer, schema, value, both=True)
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
        self,
        path: str,
        pointer: str,
        schema: dict[str, Any],
        value: Any,
        both: bool = False,
    ) -> Iterator[tuple[str, str, Any, str | int | None]]:
        """The locations the walk goes on to, with their values, and the token
        that leads to each value (None: the same value). ``both``: ``then`` and
        ``else`` whatever the ``if`` says (a step count's bound, see _steps)."""
        plan = self._plan_at(path, pointer, schema)
        for where, there in plan.same:
            yield where, there, value, None
        for there in self._conditional(path, plan, value, both):
            yield path, there, value, None
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

    def _conditional(
        self, path: str, plan: _Plan, value: Any, both: bool = False
    ) -> tuple[str, ...]:
        """The ``then`` the value passing the location's ``if`` leads to, else its
        ``else`` (asked of ``raw``); with ``both``, the two."""
        if plan.cond is None:
            return ()
        test, then, other = plan.cond
        if both:
            return tuple(x for x in (then, other) if x is not None)
        if self.passes is not None:
            picked = then if self.passes(path, test, value) else other
        else:
            picked = other if self.raw(path, test, value) else then
        return () if picked is None else (picked,)

    def _plan_at(self, path: str, pointer: str, schema: dict[str, Any]) -> _Plan:
        """The location's :class:`_Plan`, made on its first use."""
        plan = self._plans.get((path, pointer))
        if plan is None:
            plan = self._plans[(path, pointer)] = self._plan(path, pointer, schema)
        return plan

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
        cond = None
        if isinstance(schema.get("if"), dict):
            then, other = (
                pointer_join(pointer, w) if isinstance(schema.get(w), dict) else None
                for w in ("then", "else")
            )
            if then is not None or other is not None:
                cond = (pointer_join(pointer, "if"), then, other)
        return _Plan(tuple(same), ordered, frozenset(props), extra, first, after, cond)
