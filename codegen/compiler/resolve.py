"""Stage 2: resolve ``$ref``s across documents, offline and inside the folder only.

``referencing`` (the library behind ``jsonschema``) does the URI arithmetic of
the specification: ``$id`` base URIs, embedded resources, ``$anchor`` and JSON
pointer fragments. Every document is registered under its file URI and under its
``$id``; the registry's retrieve hook refuses everything else, so a reference that
would need the network or a file outside the folder is an error, never a fetch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import referencing.exceptions
from referencing import Registry, Resource, Specification
from referencing._core import Resolver as _Resolver
from referencing.jsonschema import DRAFT7, DRAFT202012

from codegen.compiler.load import Document
from codegen.compiler.loops import IN_PLACE, Location, loop_errors
from codegen.compiler.vocabulary import Draft, subschemas
from codegen.errors import CompileError, ContractError
from runtime.jsonpointer import pointer_join

ROOT_URI = "file:///schemas/"

SPECS: dict[Draft, Specification[Any]] = {"2020-12": DRAFT202012, "7": DRAFT7}

Resolver = _Resolver[Any]


def file_uri(path: str) -> str:
    return ROOT_URI + path


@dataclass(frozen=True)
class Target:
    """Where a reference lands: the node, its file and pointer, and its resolver."""

    node: Any
    file: str
    pointer: str
    resolver: Resolver
    draft: Draft


def _offline_registry() -> Registry[Any]:
    """A registry whose retrieve hook refuses every URI it does not hold."""
    return Registry(retrieve=_refuse)  # type: ignore[call-arg]


def _refuse(uri: str) -> Resource[Any]:
    raise referencing.exceptions.NoSuchResource(ref=uri)  # type: ignore[call-arg]


# Keywords that give a schema object a URI of its own (an embedded resource, an
# anchor, or in draft-07 an `$id` fragment): where one appears, the registry crawls.
_IDENTIFYING = ("$id", "$anchor", "$dynamicAnchor", "$recursiveAnchor")
_CONTAINERS = (dict, list)  # a tuple: `dict | list` is built anew at every call
# Where an object sits: (file, its parent's step or None at the root, its key).
_Step = tuple[str, "_Step | None", "str | int"]


class SchemaGraph:
    """All documents of a folder, with references resolvable between them."""

    def __init__(self, documents: list[Document]) -> None:
        self.documents = {d.path: d for d in documents}
        self._where: dict[int, _Step] = {}
        self._resolved: dict[tuple[str, str, str], Target] = {}
        self._by_uri: dict[str, Target] = {}  # by absolute URI, when located
        self._identified = False  # some object has $id or an anchor keyword
        self.base_uri: dict[str, str] = {}
        self.uri_to_file: dict[str, str] = {}
        pairs: list[tuple[str, Resource[Any]]] = []
        errors: list[ContractError] = []
        for doc in documents:
            spec = SPECS[doc.draft]
            resource = spec.create_resource(doc.contents)
            uri = file_uri(doc.path)
            base = uri
            declared = resource.id() if isinstance(doc.contents, dict) else None
            if isinstance(declared, str):
                base = urldefrag(urljoin(uri, declared)).url
            for key in dict.fromkeys((uri, base)):
                other = self.uri_to_file.get(key)
                if other is not None and other != doc.path:
                    errors.append(
                        ContractError(
                            doc.path,
                            "/$id",
                            "duplicate-id",
                            f"$id {base} is already used by {other}",
                        )
                    )
                    continue
                self.uri_to_file[key] = doc.path
                pairs.append((key, resource))
            self.base_uri[doc.path] = base
            self._index(doc)
        if errors:
            raise CompileError(errors)
        registry: Registry[Any] = _offline_registry().with_resources(pairs)
        # Crawling finds embedded resources and anchors; with no $id or anchor
        # anywhere there is nothing to find, and every lookup is by file + pointer.
        self.registry = registry.crawl() if self._identified else registry

    def _index(self, doc: Document) -> None:
        # Every object of the document, subschema or not: a $ref may point into an
        # unknown keyword's value (an annotation that groups schemas, as `$defs`
        # would). A parsed document shares no object, so each has one pointer.
        # Pointers are spelt out only for the objects asked about (``location``):
        # each object records its parent's record and its key.
        values: list[tuple[Any, _Step]] = [(doc.contents, (doc.path, None, ""))]
        where = self._where
        while values:
            node, step = values.pop()
            if isinstance(node, dict):
                where.setdefault(id(node), step)
                if not self._identified:
                    self._identified = any(k in node for k in _IDENTIFYING)
                values.extend(
                    (v, (doc.path, step, k))
                    for k, v in node.items()
                    if isinstance(v, _CONTAINERS)
                )
            elif isinstance(node, list):
                values.extend(
                    (v, (doc.path, step, i))
                    for i, v in enumerate(node)
                    if isinstance(v, _CONTAINERS)
                )

    def location(self, node: Any) -> tuple[str, str] | None:
        """The file and pointer where a schema object was first seen."""
        if not isinstance(node, dict):
            return None
        step = self._where.get(id(node))
        if step is None:
            return None
        path = step[0]
        tokens: list[str | int] = []
        while step[1] is not None:
            tokens.append(step[2])
            step = step[1]
        return path, pointer_join("", *reversed(tokens))

    def root_resolver(self, path: str) -> Resolver:
        return self.registry.resolver(base_uri=self.base_uri[path])

    def descend(self, resolver: Resolver, node: Any, draft: Draft) -> Resolver:
        """The resolver for a subschema, entering its ``$id`` scope if it has one."""
        if isinstance(node, dict) and "$id" in node:
            return resolver.in_subresource(SPECS[draft].create_resource(node))
        return resolver

    def resolve(
        self,
        resolver: Resolver,
        ref: str,
        file: str,
        pointer: str,
        keyword: str = "$ref",
    ) -> Target:
        """Follow ``ref`` (the value of ``keyword``) from a schema at
        ``file#pointer``, or raise an error that points at the keyword."""
        # Lookups are static (no dynamic scope is consulted), so the answer depends
        # on the base URI and the reference alone: many $refs share a target.
        key = (resolver._base_uri, ref, file)
        known = self._resolved.get(key)
        if known is not None:
            return known
        # The same target, reached from another file: the lookup is by the
        # absolute URI (as referencing joins it), whoever asks.
        absolute = urljoin(resolver._base_uri, ref)
        known = self._by_uri.get(absolute)
        if known is not None:
            self._resolved[key] = known
            return known
        try:
            resolved = resolver.lookup(ref)
        except referencing.exceptions.Unresolvable as exc:
            here = pointer_join(pointer, keyword)
            raise CompileError(
                [self._unresolvable(resolver, ref, file, here, exc)]
            ) from None
        node = resolved.contents
        where = self.location(node)
        located = where is not None
        if where is None:
            # A boolean schema, or a node inside a non-schema value: inline it.
            target_uri = urldefrag(absolute).url
            target_file = self.uri_to_file.get(target_uri, file)
            where = (target_file, "")
        target_file, target_pointer = where
        draft = self.documents[target_file].draft
        target = Target(node, target_file, target_pointer, resolved.resolver, draft)
        self._resolved[key] = target
        if located:  # else its file may be the asking one's
            self._by_uri[absolute] = target
        return target

    def canonical_ref(self, resolver: Resolver, ref: str) -> str:
        """``ref`` as an absolute URI naming its target file by its canonical URI."""
        absolute = urljoin(resolver._base_uri, ref)
        target, fragment = urldefrag(absolute)
        path = self.uri_to_file.get(target)
        if path is None:
            return absolute
        return self.base_uri[path] + "#" + fragment if fragment else self.base_uri[path]

    def _unresolvable(
        self, resolver: Resolver, ref: str, file: str, here: str, exc: Exception
    ) -> ContractError:
        keyword = here.rsplit("/", 1)[-1]  # $ref or $dynamicRef
        absolute = urljoin(resolver._base_uri, ref)
        target, fragment = urldefrag(absolute)
        scheme = urlsplit(target).scheme
        if target in self.uri_to_file or target == "":
            what = f"#{unquote(fragment)}" if fragment else "the document"
            return ContractError(
                file,
                here,
                "missing-ref-target",
                f"{keyword} {ref!r}: {what} does not exist in"
                f" {self.uri_to_file.get(target, file)}",
            )
        if scheme == "file" and not target.startswith(ROOT_URI):
            return ContractError(
                file,
                here,
                "ref-outside-root",
                f"{keyword} {ref!r} leaves the schemas folder;"
                " references must stay in it",
            )
        if scheme == "file":
            return ContractError(
                file,
                here,
                "missing-ref-file",
                f"{keyword} {ref!r}:"
                f" no file {target[len(ROOT_URI) :]} in the schemas dir",
            )
        name = urlsplit(target).path.rstrip("/").rsplit("/", 1)[-1] or "schema"
        name = name if name.endswith(".json") else f"{name}.json"
        hint = (
            f"save {target} into the schemas folder (as {name}, say) with"
            f' "$id": "{target}", or use a relative path'
        )
        if urlsplit(target).netloc == "json-schema.org":
            hint = (
                "the meta-schemas of draft-07 and 2020-12 (and its vocabularies)"
                " ship with the compiler; other drafts' do not: " + hint
            )
        return ContractError(
            file,
            here,
            "remote-ref",
            f"{keyword} {ref!r} points to {target}, which no file in the schemas folder"
            " declares as its $id; nothing is fetched from the network",
            hint,
        )


def walk_refs(graph: SchemaGraph) -> tuple[list[ContractError], dict[str, set[str]]]:
    """Resolve every ``$ref`` of every document, in lowered parts or not.

    Returns the errors and, per file, the files its references reach directly.
    """
    errors: list[ContractError] = []
    deps: dict[str, set[str]] = {path: set() for path in graph.documents}
    # the subschemas each schema applies to its own value (codegen/compiler/loops.py)
    in_place: dict[Location, list[Location]] = {}
    for doc in graph.documents.values():
        stack: list[tuple[Any, str, Resolver]] = [
            (doc.contents, "", graph.root_resolver(doc.path))
        ]
        while stack:
            node, pointer, resolver = stack.pop()
            if not isinstance(node, dict):
                continue
            resolver = graph.descend(resolver, node, doc.draft) if pointer else resolver
            ref = node.get("$ref")
            if isinstance(ref, str):
                try:
                    target = graph.resolve(resolver, ref, doc.path, pointer)
                except CompileError as exc:
                    errors.extend(exc.errors)
                else:
                    if target.file != doc.path:
                        deps[doc.path].add(target.file)
                    if isinstance(target.node, dict):  # true and false apply nothing
                        in_place.setdefault((doc.path, pointer), []).append(
                            (target.file, target.pointer)
                        )
            siblings = ref is None or doc.draft != "7"  # draft-07: $ref hides them
            for child, child_pointer in subschemas(node, doc.draft, pointer):
                stack.append((child, child_pointer, resolver))
                keyword = child_pointer[len(pointer) + 1 :].split("/", 1)[0]
                if siblings and keyword in IN_PLACE:
                    in_place.setdefault((doc.path, pointer), []).append(
                        (doc.path, child_pointer)
                    )
    errors.extend(loop_errors(in_place))
    return errors, deps
