"""Stage 2: resolve ``$ref``s across documents, offline and inside the folder only.

``referencing`` (the library behind ``jsonschema``) does the URI arithmetic of
the specification: ``$id`` base URIs, embedded resources, ``$anchor`` and JSON
pointer fragments. Every document is registered under its file URI and under its
``$id``; the registry's retrieve hook refuses everything else, so a reference that
would need the network or a file outside the folder is an error, never a fetch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import referencing.exceptions
from referencing import Registry, Resource, Specification
from referencing._core import Resolver as _Resolver
from referencing.jsonschema import DRAFT7, DRAFT202012

from codegen.compiler.load import Document
from codegen.compiler.loops import Location, loop_errors
from codegen.compiler.scan import RefSite, Scope, scan_document
from codegen.compiler.vocabulary import Draft
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
_IDENTIFYING = frozenset({"$id", "$anchor", "$dynamicAnchor", "$recursiveAnchor"})
_CONTAINERS = (dict, list)  # a tuple: `dict | list` is built anew at every call
# A file URI of the schemas folder without these is its own join with a fragment.
_KEPT_AS_IS = frozenset("#?;\t\r\n")
# Where an object sits: (file, its parent's step or None at the root, its key).
_Step = tuple[str, "_Step | None", "str | int"]


class SchemaGraph:
    """All documents of a folder, with references resolvable between them."""

    def __init__(self, documents: list[Document]) -> None:
        self.documents = {d.path: d for d in documents}
        self._where: dict[int, _Step] = {}
        self._resolved: dict[tuple[str, str, str], Target] = {}
        self._by_uri: dict[str, Target] = {}  # by absolute URI, when located
        self._joined: dict[tuple[str, str], str] = {}  # join's
        self._fragment_base: dict[str, str] = {}  # join's, by base
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
        # each object records its parent's record and its key. Plain loops, not
        # ``extend`` of generators (events-1000: 74 -> 45 ms).
        path = doc.path
        root = doc.contents  # a boolean schema file holds no object
        values: list[tuple[Any, _Step]] = (
            [(root, (path, None, ""))] if isinstance(root, _CONTAINERS) else []
        )
        pop, push = values.pop, values.append
        found = self._where.setdefault
        identified = self._identified
        while values:
            node, step = pop()
            if isinstance(node, dict):
                found(id(node), step)
                if not identified and not _IDENTIFYING.isdisjoint(node):
                    identified = True
                for k, v in node.items():
                    if isinstance(v, _CONTAINERS):
                        push((v, (path, step, k)))
            else:  # only objects and arrays are pushed
                for i, v in enumerate(node):
                    if isinstance(v, _CONTAINERS):
                        push((v, (path, step, i)))
        self._identified = identified

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
        absolute = self.join(resolver._base_uri, ref)
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

    def join(self, base: str, ref: str) -> str:
        """``urljoin(base, ref)``, joined once where many ask alike (events-1000:
        6,800 joins, 30 ms, became 70): a fragment (``#/$defs/Id``) is added to
        what ``base`` joins to once per ``base``; a relative path
        (``../common/defs.json#/$defs/Id``, asked from each of a thousand files)
        is joined once per folder when ``base`` is a file of the schemas folder
        without query or fragment (what follows its last ``/`` then cannot
        change the result), else once per ``base``."""
        if (
            len(ref) > 1
            and ref[0] == "#"
            and "\t" not in ref
            and "\n" not in ref
            and "\r" not in ref  # urljoin drops these three
        ):
            prefix = self._fragment_base.get(base)
            if prefix is None:  # urljoin(base, "#x") ends with "#x", or is "#x"
                prefix = self._fragment_base[base] = (
                    base
                    if base.startswith(ROOT_URI) and _KEPT_AS_IS.isdisjoint(base)
                    else urljoin(base, "#x")[:-2]
                )
            return prefix + ref
        key = (base, ref)
        if (
            ref
            and ref[0] not in "#?/"
            and ":" not in ref
            and base.startswith(ROOT_URI)
            and "?" not in base
            and "#" not in base
        ):
            key = (base[: base.rindex("/") + 1], ref)
        joined = self._joined.get(key)
        if joined is None:
            joined = self._joined[key] = urljoin(base, ref)
        return joined

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


def walk_refs(
    graph: SchemaGraph, sites: Mapping[str, list[RefSite]] | None = None
) -> tuple[list[ContractError], dict[str, set[str]]]:
    """Resolve every ``$ref`` of every document, in lowered parts or not.

    Returns the errors and, per file, the files its references reach directly.
    ``sites``: what :func:`scan_document` found in a file, by path, when it has
    walked it already (each other file is walked here)."""
    errors: list[ContractError] = []
    deps: dict[str, set[str]] = {path: set() for path in graph.documents}
    # the subschemas each schema applies to its own value (codegen/compiler/loops.py)
    in_place: dict[Location, list[Location]] = {}
    for doc in graph.documents.values():
        found = sites.get(doc.path) if sites is not None else None
        if found is None:
            found = scan_document(doc.path, doc.contents, doc.draft, check=False)[1]
        root = graph.root_resolver(doc.path)
        scoped: dict[int, Resolver] = {}  # by id of a RefSite.scope
        for node, pointer, scope, children in found:
            ref = node.get("$ref")
            if isinstance(ref, str):
                try:
                    target = graph.resolve(
                        _in_scope(graph, root, scope, doc.draft, scoped),
                        ref,
                        doc.path,
                        pointer,
                    )
                except CompileError as exc:
                    errors.extend(exc.errors)
                else:
                    if target.file != doc.path:
                        deps[doc.path].add(target.file)
                    if isinstance(target.node, dict):  # true and false apply nothing
                        in_place.setdefault((doc.path, pointer), []).append(
                            (target.file, target.pointer)
                        )
            if children and (ref is None or doc.draft != "7"):  # draft-07: $ref hides
                in_place.setdefault((doc.path, pointer), []).extend(
                    (doc.path, child) for child in children
                )
    errors.extend(loop_errors(in_place))
    return errors, deps


def _in_scope(
    graph: SchemaGraph,
    root: Resolver,
    scope: Scope,
    draft: Draft,
    scoped: dict[int, Resolver],
) -> Resolver:
    """The resolver of a file's root (``root``) entered into ``scope`` (each of
    its ``$id`` schemas, outermost first), made once per scope (``scoped``)."""
    if scope is None:
        return root
    known = scoped.get(id(scope))
    if known is None:
        outer, node = scope
        known = graph.descend(_in_scope(graph, root, outer, draft, scoped), node, draft)
        scoped[id(scope)] = known
    return known
