"""What a schema surely rules out, for the full check's ``doomed``.

A union branch whose type, required properties or string ``const``/``enum`` tags a
value breaks fails without a walk of the value (runtime/_fullcheck.py): on the
failure path, the webhook union's 66 events, each a union of its actions told apart
by ``action``, are mostly ruled out so. Each test is found by following the
branch's chain of lone ``$ref`` s, as jsonschema resolves them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin

# Keywords that assert nothing (runtime/_fastcheck.py's union members,
# runtime/_bounds.py's floors; the Node runtime's _bounds.ts NOT_ASSERTING).
NOT_ASSERTING = frozenset(
    {
        "$schema", "$id", "$comment", "$anchor", "$defs", "definitions", "title",
        "description", "examples", "default", "deprecated", "readOnly",
        "writeOnly",
    }
)  # fmt: skip

# Drafts whose type, required or const differ from those doomed reads.
EARLY_DRAFTS = ("draft-03", "draft-04")
# What a type names, for the types whose test no draft changed: the Python type
# of a parsed JSON value of that type (bool is not an int here: "integer" and
# "number" are not read).
_KINDS: dict[str, type] = {
    "object": dict,
    "array": list,
    "string": str,
    "boolean": bool,
    "null": type(None),
}


class Test:
    """What a schema asserts that doomed reads: its types (when each is one of
    _KINDS), its required properties, and the strings allowed per property.
    (A plain class: a dataclass or attrs class costs about a millisecond to
    make, on a first refusal.)"""

    __slots__ = ("kinds", "required", "tags")

    def __init__(
        self,
        kinds: tuple[type, ...],  # the types allowed (isinstance), or () for any
        required: tuple[str, ...],
        tags: tuple[tuple[str, frozenset[str]], ...],
    ) -> None:
        self.kinds = kinds
        self.required = required
        self.tags = tags

    def fails(self, instance: Any) -> bool:
        if self.kinds and not isinstance(instance, self.kinds):
            return True
        if not isinstance(instance, dict):
            return False
        for name in self.required:
            if name not in instance:
                return True
        for name, allowed in self.tags:
            if name in instance:
                given = instance[name]
                if not isinstance(given, str) or given not in allowed:
                    return True
        return False


class AllFail:
    """The test of a union alone (a ``oneOf`` or ``anyOf`` and nothing else that
    asserts) each of whose branches has a test: the value surely fails it when
    it surely fails every branch. (A webhook's root names 66 events, each a
    union of its actions told apart by ``action``: 65 are ruled out so, where
    each was walked to its own union error.)"""

    __slots__ = ("tests",)

    def __init__(self, tests: tuple[Test | AllFail, ...]) -> None:
        self.tests = tests

    def fails(self, instance: Any) -> bool:
        for test in self.tests:
            if not test.fails(instance):
                return False
        return True


def union_alone(node: dict[str, Any]) -> list[Any] | None:
    """The branches of a schema that is a union alone (see :class:`AllFail`),
    else None. An ``$id`` could move the base its branches resolve from."""
    branches = None
    for key, value in node.items():
        if key in ("oneOf", "anyOf") and branches is None:
            branches = value
        elif key == "$id" or key not in NOT_ASSERTING:
            return None
    return branches if isinstance(branches, list) and branches else None


def schema_test(
    resolver: Any,
    schema: dict[str, Any],
    follow: Callable[[str, str], tuple[Any, str] | None] | None = None,
) -> Test | None:
    """The test of a schema, its ``$ref`` chain followed with jsonschema's
    resolver (or ``follow``, FullCheck.follow, where it is sure: the same
    targets); None where an ``$id`` beside a ``$ref`` could move its base, or
    the chain does not resolve (jsonschema then says why, when it walks)."""
    node = chain_end(resolver, schema, follow) if follow is not None else None
    if node is None:
        node = chain_end(resolver, schema)
    return None if node is None else test_of(node)


def test_of(node: dict[str, Any]) -> Test | None:
    """The test of a schema that is not a ``$ref`` (:func:`schema_test`)."""
    kinds: tuple[type, ...] = ()
    named = node.get("type")
    names = [named] if isinstance(named, str) else named
    if isinstance(names, list) and names and all(n in _KINDS for n in names):
        kinds = tuple(_KINDS[n] for n in names)
    wanted = node.get("required")
    required = tuple(
        n for n in (wanted if isinstance(wanted, list) else ()) if isinstance(n, str)
    )
    tags = []
    props = node.get("properties")
    for name, prop in (props if isinstance(props, dict) else {}).items():
        if not isinstance(prop, dict) or "$ref" in prop:
            continue  # draft-07 reads nothing beside a $ref
        allowed = None
        if "const" in prop:
            if isinstance(prop["const"], str):
                allowed = frozenset([prop["const"]])
        elif isinstance(prop.get("enum"), list) and prop["enum"]:
            if all(isinstance(v, str) for v in prop["enum"]):
                allowed = frozenset(prop["enum"])
        if allowed is not None:
            tags.append((name, allowed))
    if not (kinds or required or tags):
        return None
    return Test(kinds, required, tuple(tags))


_NOWHERE = None  # no target: the chain loops, is unsure or does not resolve


def chain_end(
    resolver: Any,
    schema: dict[str, Any],
    follow: Callable[[str, str], tuple[Any, str] | None] | None = None,
) -> Any:
    """The schema at the end of a chain of lone ``$ref`` s, found with ``follow``
    at every step (when given: :func:`followed_end`) or with jsonschema's
    resolver; None where there is none to read: a chain ``follow`` is unsure of,
    a loop, a reference that does not resolve or beside an ``$id``."""
    if follow is not None:
        end = followed_end(getattr(resolver, "_base_uri", ""), schema, follow)
        return _NOWHERE if end is None else end[0]
    node: Any = schema
    for _ in range(20):
        if not isinstance(node, dict):
            return _NOWHERE
        ref = node.get("$ref")
        if ref is None:
            return node
        if not isinstance(ref, str) or "$id" in node or "id" in node:
            return _NOWHERE  # an $id beside it could move the base it resolves from
        import referencing.exceptions  # here only: a refusal may need none

        try:
            resolved = resolver.lookup(ref)
        except referencing.exceptions.Unresolvable:
            return _NOWHERE
        node, resolver = resolved.contents, resolved.resolver
    return _NOWHERE


def followed_end(
    base: str,
    schema: dict[str, Any],
    follow: Callable[[str, str], tuple[Any, str] | None],
) -> tuple[Any, str] | None:
    """:func:`chain_end` with ``follow`` at every step, and the base URI the
    schema at the end resolves from (where its own branches resolve from:
    runtime._errorwalk's union tests)."""
    node: Any = schema
    for _ in range(20):
        if not isinstance(node, dict):
            return None
        ref = node.get("$ref")
        if ref is None:
            return node, base
        if not isinstance(ref, str) or "$id" in node or "id" in node:
            return None  # an $id beside it could move the base it resolves from
        found = follow(base, ref)
        if found is None:
            return None
        node, base = found
    return None


def follow_in(
    documents: dict[str, Any] | None, base: str, ref: str
) -> tuple[Any, str] | None:
    """The target of a ``$ref`` met at ``base`` and the base URI it resolves
    from, as referencing finds them, read from ``documents`` (by URI); None
    where unsure (referencing then looks it up): no ``documents`` (a package
    whose subschemas may have an $id or an anchor: nothing but a file and a JSON
    pointer is looked up otherwise), a URI not registered (the meta-schemas
    jsonschema adds), a fragment that is not a JSON pointer, a pointer that
    leads nowhere."""
    if documents is None:
        return None
    if ref[:1] == "#":
        uri, fragment = base, ref[1:]
    else:
        uri, fragment = urldefrag(urljoin(base, ref))
    node = documents.get(uri, _ABSENT)
    if node is _ABSENT or (fragment and fragment[0] != "/"):
        return None
    if fragment:
        for segment in unquote(fragment[1:]).split("/"):
            if isinstance(node, list):
                if not (segment.isascii() and segment.isdigit()):
                    return None
                index = int(segment)
                if index >= len(node):
                    return None
                node = node[index]
            elif isinstance(node, dict):
                key = segment.replace("~1", "/").replace("~0", "~")
                if key not in node:
                    return None
                node = node[key]
            else:
                return None
    return node, uri


_ABSENT = object()
