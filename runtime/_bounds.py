"""A floor under the union report's closeness (runtime/_union_report.py): the
members of a value (properties, present or required) a branch's explained errors
surely touch, found without a validation, so the closest branch is found without
asking every named branch for its errors (the webhook union's "edited" events are
19; the closest of a branch_protection_rule edited message is the first, and none
of the others can come as close). As runtime/node/src/_bounds.ts.

The branch's explained errors hold an error at or below a member when:

- the branch's schema (its chain of lone ``$ref`` s followed) asserts only what an
  object's own properties are (type, required, properties, additionalProperties,
  patternProperties, min/maxProperties): the walk then finds no union at the value
  itself, so no error at or below a member is removed as a union's noise; and then
  a required member is missing, a member's schema surely fails its value
  (``doomed``), or ``additionalProperties`` is false (or surely fails) for a member
  no ``properties`` names and no ``patternProperties`` could;
- the branch's schema is a oneOf or anyOf and nothing else that asserts, the
  value's tag names one of its branches (the report's first choice) and every other
  branch surely fails: its errors are the named branch's, recursively.

Anything else: no member is sure (a floor of 0).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from runtime._doomed import NOT_ASSERTING as _NOT_ASSERTING
from runtime._union_walk import _Site
from runtime.errors import Violation
from runtime.jsonpointer import pointer_join

# What an object schema may assert for its members' errors to be sure.
_MEMBERS = frozenset(
    {
        "type",
        "required",
        "properties",
        "additionalProperties",
        "patternProperties",
        "minProperties",
        "maxProperties",
    }
)
_DEEPEST = 20  # nested unions and $refs followed, at most

# ("union", path, pointer, keyword, count) or ("members", path, pointer, schema)
_Shape = tuple[Any, ...] | None


class Bounds:
    """Floors for one union report: ``schema(path, pointer)`` (the schema at a
    location), ``target(path, ref)`` (where a ``$ref`` leads), ``doomed(path,
    pointer, value)`` (the value surely fails the schema there) and
    ``tags(path, pointer, keyword, count)`` (a union's tags, as the report reads
    them)."""

    def __init__(
        self,
        schema: Callable[[str, str], Any],
        target: Callable[[str, str], tuple[str, str] | None],
        doomed: Callable[[str, str, Any], bool] | None,
        tags: Callable[[str, str, str, int], dict[str, dict[str, int]]],
    ) -> None:
        self._schema = schema
        self._target = target
        self._doomed = doomed
        self._tags = tags
        self._shapes: dict[tuple[str, str], _Shape] = {}
        self._sorted: dict[tuple[str, str, str], list[tuple[str, dict[str, int]]]] = {}

    def doomed(self, path: str, pointer: str, value: Any) -> bool:
        return self._doomed is not None and self._doomed(path, pointer, value)

    def sure(self, path: str, pointer: str, value: Any, depth: int = 0) -> set[str]:
        """The members of ``value`` the explained errors of the schema at
        ``path#pointer`` surely touch (empty when unsure)."""
        found: set[str] = set()
        if not isinstance(value, dict) or depth >= _DEEPEST:
            return found
        shape = self.shape(path, pointer)
        if shape is None:
            return found
        if shape[0] == "union":
            _, where, at, keyword, count = shape
            chosen = self._named(where, at, keyword, count, value)
            if chosen < 0:
                return found
            for k in range(count):
                here = pointer_join(at, keyword, k)
                if k != chosen and not self._fails(where, here, value, depth + 1):
                    return found
            # The chosen branch fails too when any member is sure: all fail.
            return self.sure(where, pointer_join(at, keyword, chosen), value, depth + 1)
        _, where, at, schema = shape
        props = schema.get("properties")
        props = props if isinstance(props, dict) else {}
        patterns = schema.get("patternProperties")
        patterned = isinstance(patterns, dict) and len(patterns) > 0
        extra = schema.get("additionalProperties")
        required = schema.get("required")
        if isinstance(required, list):
            for name in required:
                if isinstance(name, str) and name not in value:
                    found.add(name)
        for name, member in value.items():
            if name in props:
                if self.doomed(where, pointer_join(at, "properties", name), member):
                    found.add(name)
            elif patterned:
                continue
            elif extra is False:
                found.add(name)
            elif isinstance(extra, dict):
                if self.doomed(where, pointer_join(at, "additionalProperties"), member):
                    found.add(name)
        return found

    def _fails(self, path: str, pointer: str, value: Any, depth: int) -> bool:
        """Whether ``value`` (an object) surely fails the schema at a location:
        doomed, or a union alone every branch of which surely fails."""
        if self.doomed(path, pointer, value):
            return True
        shape = self.shape(path, pointer) if depth < _DEEPEST else None
        if shape is None or shape[0] != "union":
            return False
        _, where, at, keyword, count = shape
        return all(
            self._fails(where, pointer_join(at, keyword, k), value, depth + 1)
            for k in range(count)
        )

    def _named(
        self, path: str, pointer: str, keyword: str, count: int, value: dict[str, Any]
    ) -> int:
        """The branch the value's tags name, as the report's choose reads them
        (-1: none)."""
        at = (path, pointer, keyword)
        tags = self._sorted.get(at)
        if tags is None:
            found = self._tags(path, pointer, keyword, count)
            tags = self._sorted[at] = sorted(found.items())
        for key, owners in tags:
            given = value.get(key)
            if isinstance(given, str) and given in owners:
                return owners[given]
        return -1

    def shape(self, path: str, pointer: str) -> _Shape:
        """The shape of the schema at a location, its lone ``$ref`` s followed
        (nothing beside each that asserts), remembered per location; None when
        neither a union alone nor an object's members."""
        key = (path, pointer)
        if key not in self._shapes:
            self._shapes[key] = self._find(path, pointer)
        return self._shapes[key]

    def _find(self, path: str, pointer: str) -> _Shape:
        node = self._schema(path, pointer)
        i = 0
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if i >= _DEEPEST or not isinstance(ref, str):
                return None
            if any(
                k != "$ref" and (k == "$id" or k not in _NOT_ASSERTING) for k in node
            ):
                return None
            goes = self._target(path, ref)
            if goes is None or "%" in goes[1]:
                return None
            path, pointer = goes
            node = self._schema(path, pointer)
            i += 1
        if not isinstance(node, dict):
            return None
        # Only objects are asked of (an object passes a type that allows one); a
        # discriminator adds no error the report keeps.
        kind = node.get("type")
        if kind is not None and kind != "object":
            if not (isinstance(kind, list) and "object" in kind):
                return None
        asserting = [
            k
            for k in node
            if k not in _NOT_ASSERTING and k != "type" and k != "discriminator"
        ]
        keyword = asserting[0] if len(asserting) == 1 else ""
        branches = node.get(keyword)
        if keyword in ("oneOf", "anyOf") and isinstance(branches, list) and branches:
            return ("union", path, pointer, keyword, len(branches))
        if "discriminator" in node or not all(k in _MEMBERS for k in asserting):
            return None
        return ("members", path, pointer, node)


class _Report(Protocol):
    """What :func:`closest` asks of the union report (runtime/_union_report.py)."""

    floors: bool
    audit: list[tuple[int, int]] | None
    bounds: Bounds

    def misfit(
        self, value: Any, path: str, pointer: str, beside: frozenset[str] = ...
    ) -> int | None: ...
    def branch(self, site: _Site, index: int) -> list[Violation]: ...
    def ranked(
        self, site: _Site, errors: list[Violation], index: int, fit: int | None
    ) -> tuple[int, ...]: ...


def closest(
    report: _Report, site: _Site, candidates: list[int], beside: frozenset[str]
) -> tuple[int, None, list[Violation]]:
    """The closest of ``candidates`` (the report's rank, its ``ranked``:
    least wins), its errors explained: the branches are asked those that fit the
    value's shape first, then lowest floor (:meth:`Bounds.sure`, never above
    closeness's count of members in error) first, and none once its floor is above
    the closest's count (none after can come as close), so the pick is the one
    asking every branch would make. With ``report.audit`` set, every candidate is
    asked all the same and (its floor, its count) added there (tests)."""
    value = site.value
    floors = report.floors and len(candidates) > 1
    audit = report.audit
    fits = [
        (report.misfit(value, site.path, site.here(i), beside), i) for i in candidates
    ]
    # Once a branch the value fits is asked, no branch it does not fit is: the
    # floors of those are not needed (unless audited).
    fitting = audit is None and any(fit == 0 for fit, _ in fits)
    order = []
    for fit, i in fits:
        far = fit != 0
        floor = 0
        if floors and not (fitting and far):
            floor = len(report.bounds.sure(site.path, site.here(i), value))
        order.append((far, floor, i, fit))
    order.sort(key=lambda o: o[:3])
    best = -1
    errors: list[Violation] = []
    rank: tuple[int, ...] = ()
    for far, floor, i, fit in order:
        if best >= 0 and audit is None and (far > rank[0] or floor > rank[1]):
            break
        explained = report.branch(site, i)
        score = report.ranked(site, explained, i, fit)
        if audit is not None:
            audit.append((floor, score[1]))
        if best < 0 or score < rank:
            best, errors, rank = i, explained, score
    return best, None, errors
