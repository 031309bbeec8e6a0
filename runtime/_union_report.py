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
schema at ``path#pointer``, with pointers relative to ``value``.
"""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from runtime._violation_text import show
from runtime.errors import Violation
from runtime.jsonpointer import pointer_join, pointer_tokens

Raw = Callable[[str, str, Any], list[Violation]]
ROOT_URI = "file:///schemas/"
SHOWN = 8  # branch names listed before "and N more"
MAX_STEPS = 10_000  # schema locations visited per value, at most ($ref loops)


@dataclass(frozen=True)
class _Site:
    path: str
    pointer: str  # of the schema holding the union
    keyword: str  # oneOf or anyOf
    at: str  # the value's pointer
    value: Any
    errors: tuple[tuple[Violation, ...], ...]  # per branch, pointers absolute


def _under(pointer: str, at: str) -> bool:
    return pointer == at or pointer.startswith(at + "/")


def _prefixed(at: str, found: list[Violation]) -> tuple[Violation, ...]:
    return tuple(Violation(at + v.pointer, v.expected, v.got) for v in found)


def schema_documents(root: Any) -> tuple[dict[str, Any], dict[str, str]]:
    """A package's schema files below ``root`` (its ``schemas/`` folder) and their
    drafts, as runtime._fullcheck.FullCheck reads them, without building it."""
    documents = {path: json.loads(text) for path, text in _texts(root, "")}
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


class UnionReport:
    """Explains the failing unions of one package's contracts."""

    def __init__(
        self,
        documents: dict[str, Any],
        drafts: dict[str, str],
        ids: Mapping[str, str],
        raw: Raw,
    ) -> None:
        self.documents = documents  # path -> schema
        self.drafts = drafts  # path -> "7" or "2020-12"
        self.ids = ids  # absolute URI ($id) -> path
        self.raw = raw
        self._schemas: dict[tuple[str, str], Any] = {}

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
        where a violation pointer in ``near`` is at or below the value."""
        found: list[_Site] = []
        stack = [(path, pointer, value, at)]
        steps = 0
        while stack and steps < MAX_STEPS:
            steps += 1
            path, pointer, value, at = stack.pop()
            schema = self.schema(path, pointer)
            if not isinstance(schema, dict):
                continue
            stack.extend(
                reversed(list(self._children(path, pointer, schema, value, at)))
            )
            for keyword in ("anyOf", "oneOf"):
                branches = schema.get(keyword)
                if not isinstance(branches, list) or not any(
                    _under(p, at) for p in near
                ):
                    continue
                here = pointer_join(pointer, keyword)
                errors = tuple(
                    _prefixed(at, self.raw(path, pointer_join(here, i), value))
                    for i in range(len(branches))
                )
                passing = sum(1 for e in errors if not e)
                if passing == 0 or (keyword == "oneOf" and passing > 1):
                    found.append(_Site(path, pointer, keyword, at, value, errors))
        return found

    def _children(
        self, path: str, pointer: str, schema: dict[str, Any], value: Any, at: str
    ) -> Iterator[tuple[str, str, Any, str]]:
        ref = schema.get("$ref")
        if isinstance(ref, str):
            goes = self.target(path, ref)
            if goes is not None:
                yield goes[0], goes[1], value, at
            if self.drafts.get(path) == "7":
                return  # draft-07 ignores the keywords beside $ref
        for i, _ in enumerate(schema.get("allOf") or ()):
            yield path, pointer_join(pointer, "allOf", i), value, at
        if isinstance(value, dict):
            props = schema.get("properties")
            props = props if isinstance(props, dict) else {}
            for key in sorted(props):
                if key in value:
                    where = pointer_join(pointer, "properties", key)
                    yield path, where, value[key], pointer_join(at, key)
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and "patternProperties" not in schema:
                where = pointer_join(pointer, "additionalProperties")
                for key in sorted(k for k in value if k not in props):
                    yield path, where, value[key], pointer_join(at, key)
        if isinstance(value, list):
            yield from self._items(path, pointer, schema, value, at)

    def _items(
        self, path: str, pointer: str, schema: dict[str, Any], value: list[Any], at: str
    ) -> Iterator[tuple[str, str, Any, str]]:
        if self.drafts.get(path) == "7":
            prefix, word, rest = schema.get("items"), "items", "additionalItems"
        else:
            prefix, word, rest = schema.get("prefixItems"), "prefixItems", "items"
        count = 0
        if isinstance(prefix, list):
            count = min(len(prefix), len(value))
            for i in range(count):
                yield (
                    path,
                    pointer_join(pointer, word, i),
                    value[i],
                    pointer_join(at, i),
                )
        elif isinstance(prefix, dict):  # draft-07 items: one schema for every item
            rest, count = word, 0
        if isinstance(schema.get(rest), dict):
            where = pointer_join(pointer, rest)
            for i in range(count, len(value)):
                yield path, where, value[i], pointer_join(at, i)

    # -- the report ------------------------------------------------------------
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
        """Discriminator candidates: property -> each branch's fixed string."""
        count = len(site.errors)
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
        return self.explain(site.path, here, site.value, site.errors[index], site.at)

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
        explained = [self.branch(site, i) for i in range(len(site.errors))]

        def score(i: int) -> tuple[int, int, int]:
            depth = max((v.pointer.count("/") for v in explained[i]), default=0)
            return -depth, len(explained[i]), i

        best = min(range(len(explained)), key=score)
        return best, None, explained[best]

    def line(self, site: _Site, chosen: int, tag: str | None) -> Violation:
        names = [self.name(site, i) for i in range(len(site.errors))]
        tried = ", ".join(names[:SHOWN])
        if len(names) > SHOWN:
            tried += f" and {len(names) - SHOWN} more"
        passing = [n for n, e in zip(names, site.errors, strict=True) if not e]
        if passing:
            expected = f"exactly one branch to match ({', '.join(passing)} match)"
        elif chosen < 0:
            expected = f'a branch its "{tag}" names (tried {tried})'
        else:
            how = f'picked by its "{tag}"' if tag else "the closest"
            expected = f"the {names[chosen]} branch ({how}; tried {tried})"
        return Violation(site.at, expected, show(site.value))

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
            noise = {v for errors in site.errors for v in errors}
            noise |= self._summaries(site, result)
            result = [v for v in result if v not in noise]
            if all(site.errors):
                chosen, tag, errors = self.choose(site)
                result += [self.line(site, chosen, tag), *errors]
            else:
                result.append(self.line(site, 0, None))
        return sorted(set(result))
