"""Base URIs and reference targets as ``referencing`` finds them, for the walk of
runtime/_errorwalk.py, without importing it: its draft-07 and 2020-12
specifications (what identifies a subschema, where its subschemas are, which
steps of a JSON pointer enter one), its registry crawled (every ``$id`` and
anchor of the package's files) and its resolver (``lookup``, ``in_subresource``).

Where ``referencing`` would raise, or where its answer depends on what this port
does not hold (an early draft, jsonschema's own meta-schemas, two resources under
one URI), the answer is :class:`Unsure` (the walk gives up: jsonschema resolves,
as before), or no registry at all (:func:`crawled`: the package has no walk).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin


class Unsure(Exception):
    """referencing would raise here, or answer from what this port does not hold."""


# referencing.jsonschema's specifications by the dialect a "$schema" names
# (specification_with: the URI without a trailing "#"); None: one not ported.
_DIALECTS: dict[str, str | None] = {
    "https://json-schema.org/draft/2020-12/schema": "2020-12",
    "https://json-schema.org/draft/2019-09/schema": None,
    "http://json-schema.org/draft-07/schema": "7",
    "http://json-schema.org/draft-06/schema": None,
    "http://json-schema.org/draft-04/schema": None,
    "http://json-schema.org/draft-03/schema": None,
}


# How a keyword holds subschemas (Spec.subresources): its value, the items of its
# array, the values of its object; draft 7's items (either) and dependencies.
_VALUE, _ARRAY, _VALUES, _ITEMS, _DEPENDENCIES = (object() for _ in range(5))


class Spec:
    """referencing.jsonschema's DRAFT7 (``legacy``) or DRAFT202012."""

    def __init__(self, legacy: bool) -> None:
        self.legacy = legacy
        if legacy:
            self.in_value = frozenset(
                {"additionalItems", "additionalProperties", "contains", "else",
                 "if", "not", "propertyNames", "then"}
            )  # fmt: skip
            self.in_subarray = frozenset({"allOf", "anyOf", "oneOf"})
            self.in_subvalues = frozenset(
                {"definitions", "patternProperties", "properties"}
            )
        else:
            self.in_value = frozenset(
                {"additionalProperties", "contains", "contentSchema", "else", "if",
                 "items", "not", "propertyNames", "then", "unevaluatedItems",
                 "unevaluatedProperties"}
            )  # fmt: skip
            self.in_subarray = frozenset({"allOf", "anyOf", "oneOf", "prefixItems"})
            self.in_subvalues = frozenset(
                {"$defs", "definitions", "dependentSchemas", "patternProperties",
                 "properties"}
            )  # fmt: skip
        self.in_child = self.in_subarray | self.in_subvalues
        self.kinds: dict[str, object] = {
            **dict.fromkeys(self.in_value, _VALUE),
            **dict.fromkeys(self.in_subarray, _ARRAY),
            **dict.fromkeys(self.in_subvalues, _VALUES),
            **({"items": _ITEMS, "dependencies": _DEPENDENCIES} if legacy else {}),
        }

    def id_of(self, contents: Any) -> str | None:
        """Resource.id(): the subschema's ``$id`` (draft 7: not beside a
        ``$ref``, not an anchor), without a trailing ``#``."""
        if contents is True or contents is False:
            return None
        if not isinstance(contents, dict):
            raise Unsure  # referencing fails on it
        if self.legacy and "$ref" in contents:
            return None
        found = contents.get("$id")
        if found is None:
            return None
        if not isinstance(found, str):
            raise Unsure
        if self.legacy and found.startswith("#"):
            return None
        return found.rstrip("#")

    def anchors(self, contents: Any) -> Iterator[str]:
        """anchors_in: the names of a subschema's (static) anchors."""
        if not isinstance(contents, dict):
            return
        if self.legacy:
            found = contents.get("$id", "")
            if not isinstance(found, str):
                raise Unsure
            if found.startswith("#"):
                yield found[1:]
        elif "$anchor" in contents:
            name = contents["$anchor"]
            if not isinstance(name, str):
                raise Unsure
            yield name

    def subresources(self, contents: Any) -> list[Any]:
        """subresources_of (draft 7's "items" and "dependencies" as well), by
        the subschema's own keys (a handful; the keywords are about twenty)."""
        if contents is True or contents is False:
            return []
        if not isinstance(contents, dict):
            raise Unsure
        found: list[Any] = []
        kinds = self.kinds
        for key, value in contents.items():
            kind = kinds.get(key)
            if kind is None:
                continue
            if kind is _VALUE:
                found.append(value)
            elif kind is _ARRAY or (kind is _ITEMS and isinstance(value, list)):
                if not isinstance(value, list):
                    raise Unsure
                found += value
            elif kind is _VALUES:
                if not isinstance(value, dict):
                    raise Unsure
                found += value.values()
            elif kind is _ITEMS:
                if value is None:
                    continue
                if not isinstance(value, dict | bool):
                    raise Unsure
                found.append(value)
            elif value is not None:  # draft 7's dependencies
                if not isinstance(value, dict):
                    raise Unsure
                values = list(value.values())
                if values and isinstance(values[0], dict):
                    found += values
        return found

    def entered(self, segments: list[Any], contents: Any) -> bool:
        """maybe_in_subresource: whether the pointer's steps since the last
        subresource entered lead into a subschema (then its ``$id`` applies)."""
        steps = iter(segments)
        for segment in steps:
            if (
                self.legacy
                and segment in ("items", "dependencies")
                and isinstance(contents, dict)
            ):
                return True
            if segment not in self.in_value and (
                segment not in self.in_child or next(steps, None) is None
            ):
                return False
        return True


SPECS = {"7": Spec(True), "2020-12": Spec(False)}


def moved(spec: Spec, base: str, contents: Any) -> str:
    """Resolver.in_subresource: the base URI inside a subschema."""
    found = spec.id_of(contents)
    if found is None:
        return base
    if "#" in found:
        raise Unsure  # a base URI with a fragment
    return urljoin(base, found)


class Registry:
    """The package's resources and anchors as referencing's registry holds them:
    contents and specification by URI; contents by (URI, anchor). Crawled at
    once where some subschema may have an ``$id`` (see :func:`crawled`), else
    on the first look-up that misses, as referencing crawls on a miss."""

    def __init__(self) -> None:
        self.resources: dict[str, tuple[Any, Spec]] = {}
        self.anchors: dict[tuple[str, str], Any] = {}
        self._uncrawled: list[tuple[str, Any, Spec]] = []
        self._unsure = False  # a crawl met what this port does not hold
        self._crawled = False
        self._lock = threading.Lock()  # a service may word refusals in threads
        self._joined: dict[tuple[str, str], str] = {}  # see _split

    def crawl(self) -> bool:
        """Registry.crawl: each subresource's ``$id`` joined to its enclosing
        one, and its anchors; false (and every look-up unsure) where
        referencing's registry could differ: a subschema whose ``$schema``
        names a dialect not ported, two resources or anchors under one URI
        (which one referencing keeps depends on its crawl's order), or what
        referencing fails on."""
        pending, self._uncrawled = self._uncrawled, []
        resources, anchors = self.resources, self.anchors
        try:
            while pending:
                uri, contents, spec = pending.pop()
                found = spec.id_of(contents)
                if found is not None:
                    uri = urljoin(uri, found)
                    if not _put(resources, uri, (contents, spec)):
                        raise Unsure
                for name in spec.anchors(contents):
                    if not _put(anchors, (uri, name), contents):
                        raise Unsure
                for each in spec.subresources(contents):
                    if isinstance(each, dict) and "$schema" in each:
                        pending.append((uri, each, _detected(each, spec)))
                    else:
                        pending.append((uri, each, spec))
        except Unsure:
            self._unsure = True
        self._crawled = True
        return not self._unsure

    def _missed(self) -> bool:
        """Whether a look-up that missed may find more: the first miss crawls
        (once: other threads wait for it)."""
        if self._crawled:
            return False
        with self._lock:
            if not self._crawled:
                self.crawl()
        return not self._unsure

    def follow(self, base: str, ref: str) -> tuple[Any, str] | None:
        """Resolver.lookup: the target of a ``$ref`` met at ``base`` and the base
        URI it resolves from; None where unsure (referencing then looks it up,
        or says it cannot)."""
        if self._unsure:
            return None
        try:
            return self._lookup(base, ref)
        except Unsure:
            return None

    def _split(self, base: str, ref: str) -> tuple[str, str]:
        """``urldefrag(urljoin(base, ref))``, the URI part remembered by base and
        the reference's part before its first ``#``: the walk asks about one
        contract file at many pointers (``file:///schemas/x.json#/oneOf/3``),
        each a URI parse (about 10 us). The fragment is the text after that
        ``#``, as urlsplit gives it where no tab or line break (which it
        removes) is in the reference."""
        head, mark, fragment = ref.partition("#")
        if not mark or "\t" in ref or "\r" in ref or "\n" in ref:
            return urldefrag(urljoin(base, ref))
        key = (base, head)
        uri = self._joined.get(key)
        if uri is None:
            # Any fragment takes urljoin and urldefrag down the same path.
            uri = self._joined[key] = urldefrag(urljoin(base, head + "#_")).url
        return uri, fragment

    def _lookup(self, base: str, ref: str) -> tuple[Any, str] | None:
        if ref[:1] == "#":
            uri, fragment = base, ref[1:]
        else:
            uri, fragment = self._split(base, ref)
        found = self.resources.get(uri)
        if found is None:
            if self._missed():
                return self._lookup(base, ref)
            return None  # not ours: a meta-schema jsonschema adds, or none
        contents, spec = found
        if not fragment:
            return contents, uri
        if fragment[0] != "/":
            anchored = self.anchors.get((uri, fragment), _ABSENT)
            if anchored is _ABSENT:
                canonical = spec.id_of(contents)
                if canonical is not None:
                    anchored = self.anchors.get((canonical, fragment), _ABSENT)
            if anchored is _ABSENT:
                if self._missed():
                    return self._lookup(base, ref)
                return None
            return anchored, uri
        node, at, segments = contents, uri, []
        for segment in unquote(fragment[1:]).split("/"):
            step: str | int
            if isinstance(node, list):
                if not (segment.isascii() and segment.isdigit()):
                    return None
                step = int(segment)
                if step >= len(node):
                    return None
            elif isinstance(node, dict):
                step = segment.replace("~1", "/").replace("~0", "~")
                if step not in node:
                    return None
            else:
                return None
            node = node[step]
            segments.append(step)
            # id_of is None for a dict without "$id" and for a boolean, whatever
            # entered says: the common steps skip both.
            if (isinstance(node, dict) and "$id" not in node) or isinstance(node, bool):
                continue
            if spec.entered(segments, node) and spec.id_of(node) is not None:
                at = moved(spec, at, node)
                segments = []
        return node, at


def crawled(files: list[tuple[str, Any, Spec]], crawl: bool) -> Registry | None:
    """The files registered (URI, contents, specification), crawled at once
    with ``crawl`` (runtime._fullcheck crawls where some subschema may have an
    ``$id``: a file URI may then name another resource), else on a miss; None
    where two files have one URI or the crawl is unsure (see Registry.crawl)."""
    registry = Registry()
    for uri, contents, spec in files:
        uri = uri.rstrip("#")
        if not _put(registry.resources, uri, (contents, spec)):
            return None
        registry._uncrawled.append((uri, contents, spec))
    if crawl and not registry.crawl():
        return None
    return registry


def _put(into: dict[Any, Any], key: Any, value: Any) -> bool:
    """Adds; false where another value is there already."""
    there = into.setdefault(key, value)
    return there is value or (
        isinstance(there, tuple) and there[0] is value[0] and there[1] is value[1]
    )


def _detected(contents: Any, default: Spec) -> Spec:
    """Resource.from_contents: the specification a subschema's ``$schema``
    names, else its parent's."""
    if not isinstance(contents, dict) or "$schema" not in contents:
        return default
    dialect = contents["$schema"]
    if not isinstance(dialect, str):
        raise Unsure
    name = _DIALECTS.get(dialect.rstrip("#"), _ABSENT)
    if name is _ABSENT:
        return default
    if name is None:
        raise Unsure
    return SPECS[name]


_ABSENT: Any = object()
