"""load -> resolve -> lower: a folder of schemas to an :class:`ir.Program`."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, NamedTuple

from codegen.compiler import ir
from codegen.compiler.bundle import (
    Bundler,
    add_discriminators,
    drop_annotations_ajv_reads,
)
from codegen.compiler.catalog import load_catalog
from codegen.compiler.graph import reached_values, recursion_room
from codegen.compiler.load import Document, load_all
from codegen.compiler.lower import Lowerer
from codegen.compiler.metaschemas import meta_documents
from codegen.compiler.naming import module_part
from codegen.compiler.nodelimits import exact_files
from codegen.compiler.nodes import MAX_NESTING, Ctx
from codegen.compiler.resolve import SchemaGraph, walk_refs
from codegen.compiler.scan import RefSite, scan_document
from codegen.compiler.vocabulary import is_definitions_only, message_of
from codegen.errors import CompileError, ContractError
from runtime.jsonpointer import pointer_join


def canonical(value: Any) -> bytes:
    """Canonical JSON: sorted keys, no insignificant space, UTF-8."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


def module_names(documents: list[Document]) -> dict[str, str]:
    names: dict[str, str] = {}
    seen: dict[str, str] = {}
    errors = []
    for doc in documents:
        parts = doc.path.removesuffix(".json").split("/")
        name = ".".join(module_part(p) for p in parts)
        if name in seen:
            errors.append(
                ContractError(
                    doc.path,
                    "",
                    "module-collision",
                    f"file maps to module '{name}', as {seen[name]} does",
                    "rename one of the files",
                )
            )
        seen[name] = doc.path
        names[doc.path] = name
    if errors:
        raise CompileError(errors)
    return names


def reaches(
    documents: list[Document], deps: dict[str, set[str]]
) -> dict[str, tuple[str, ...]]:
    """Every file a file reaches through ``$ref`` (itself included), sorted, by path.

    Files are numbered in path order, so that the sets are of numbers and sort as
    such: chain-1000's files reach 500,000 files in all (each the rest of the
    chain); sorting them by path, this took 81 ms, now 36 (both processes of
    ``generate`` ask it)."""
    names = sorted(set(deps).union(*deps.values(), (d.path for d in documents)))
    number = {name: i for i, name in enumerate(names)}
    edges = {number[p]: [number[q] for q in targets] for p, targets in deps.items()}
    own = {number[d.path]: (number[d.path],) for d in documents}
    reached = reached_values(edges, own)
    at = names.__getitem__
    return {d.path: tuple(map(at, sorted(reached[number[d.path]]))) for d in documents}


def file_digests(documents: list[Document]) -> dict[str, str]:
    """Each file's digest, by path: the sha256 (64 lowercase hex digits) of its
    path, NUL, its canonical JSON, NUL."""
    return {
        d.path: hashlib.sha256(
            d.path.encode() + b"\0" + canonical(d.contents) + b"\0"
        ).hexdigest()
        for d in documents
    }


def fingerprints(
    documents: list[Document], reached: dict[str, tuple[str, ...]]
) -> dict[str, str]:
    """Every file's contract fingerprint, by path: ``sha256:`` and the sha256 of
    one entry per file it reaches (itself included), sorted by path: the path,
    NUL, the file's digest (:func:`file_digests`), NUL. Each file's JSON is
    hashed once, however many files reach it (docs/architecture.md)."""
    entry = {
        path: path.encode() + b"\0" + digest.encode() + b"\0"
        for path, digest in file_digests(documents).items()
    }
    of = entry.__getitem__
    return {
        d.path: "sha256:"
        + hashlib.sha256(b"".join(map(of, sorted(reached[d.path])))).hexdigest()
        for d in documents
    }


# Python frames of room per level of nested declarations (lowering takes fewer).
FRAMES_PER_LEVEL = 20
RECURSION_ROOM = FRAMES_PER_LEVEL * MAX_NESTING


def compile_documents(
    root: Path, strict: bool = False
) -> tuple[ir.Program, list[Document]]:
    """Compile every schema below ``root``; return the program and the documents.

    ``strict`` refuses unknown keywords and formats; otherwise they are
    annotations, counted in ``Program.annotations`` and ``Program.unknown_formats``."""
    program, documents, bundles = compile_unbundled(root, strict)
    return replace(program, bundles=bundles()), documents


class Ahead(NamedTuple):
    """What a child process makes while this one lowers (:meth:`Bundling.ahead`):
    every file's fingerprint, the files Node validates with cfworker, and the
    ``exact-pattern-properties`` refusals (:func:`exact_files`)."""

    prints: dict[str, str]
    exact: frozenset[str]
    errors: list[ContractError]


# What ``early`` may give back: a call that, told what lowering gave (the unions
# told apart by a tag, the contracts' ids: :func:`contract_ids_of`), returns
# :class:`Ahead` made elsewhere while lowering ran, or ``None`` (then it is made
# here).
Made = Callable[[dict[tuple[str, str], tuple[str, str]], list[str]], Ahead | None]


def compile_unbundled(
    root: Path,
    strict: bool = False,
    early: Callable[[Bundling], Made | None] = lambda bundling: None,
) -> tuple[ir.Program, list[Document], Bundles]:
    """:func:`compile_documents`, but the program's ``bundles`` (what only the
    TypeScript package holds) are left empty, made by the :class:`Bundles`
    returned: ``generate`` has a child process make them. ``early`` is called
    with what they are made of as soon as it is known, before lowering (the
    child starts then: the longest part of bundling needs nothing lowering
    gives); it may return where to get :class:`Ahead` from once lowering is
    done (the child makes it while this process lowers: :meth:`Bundling.ahead`)."""
    with recursion_room(RECURSION_ROOM):
        return _compile(root, strict, early)


class Bundling:
    """What the bundles are made of, known before lowering: :meth:`raw` (most of
    the work) needs nothing lowering gives; :meth:`finish` adds the
    discriminators of the unions lowering tells apart and each file's engine.
    The :class:`Bundler` is made on first use: with a child process, by the
    child only (lowering does not need it; 0.1 s at 1,000 schemas)."""

    def __init__(
        self,
        graph: SchemaGraph,
        documents: list[Document],
        deps: dict[str, set[str]],
    ) -> None:
        self.graph = graph
        self.documents = documents
        self.base_uri = graph.base_uri
        self.deps = deps
        self._bundler: Bundler | None = None
        self._reached: dict[str, tuple[str, ...]] | None = None

    @property
    def bundler(self) -> Bundler:
        """The graph's bundler (it resolves ``$dynamicRef``, for the Node bundle)."""
        if self._bundler is None:
            self._bundler = Bundler(self.graph)
        return self._bundler

    def reached(self) -> dict[str, tuple[str, ...]]:
        """:func:`reaches` of the documents, made once."""
        if self._reached is None:
            self._reached = reaches(self.documents, self.deps)
        return self._reached

    def prints(self) -> dict[str, str]:
        """Every file's fingerprint (:func:`fingerprints`; as :func:`_compile`
        makes them). Needs nothing lowering gives."""
        return fingerprints(self.documents, self.reached())

    def exact(self) -> tuple[frozenset[str], list[ContractError]]:
        """:func:`exact_files` of the documents. Needs nothing lowering gives."""
        return exact_files(self.bundler, self.reached())

    def ahead(self) -> Ahead:
        """What :func:`_compile` needs of this once it has lowered."""
        prints = self.prints()
        return Ahead(prints, *self.exact())

    def raw(self) -> dict[str, Any]:
        """Every document's bundle, by path, without discriminators."""
        with recursion_room(RECURSION_ROOM):
            bundled = self.bundler.bundle()
            drafts = {d.path: d.draft for d in self.documents}
            drop_annotations_ajv_reads(bundled, drafts)
        return bundled

    def finish(
        self,
        bundled: dict[str, Any],
        tagged: dict[tuple[str, str], tuple[str, str]],
        exact: frozenset[str],
    ) -> tuple[ir.Bundle, ...]:
        with recursion_room(RECURSION_ROOM):
            add_discriminators(bundled, tagged, self.base_uri)
        return tuple(
            ir.Bundle(
                d.path,
                self.base_uri[d.path],
                d.draft,
                bundled[d.path],
                "cfworker" if d.path in exact else "ajv",
            )
            for d in self.documents
        )


class Bundles:
    """Makes the bundles of a compiled program (``bundles()``); ``tagged`` and
    ``exact`` are what lowering gave :meth:`Bundling.finish`."""

    def __init__(
        self,
        bundling: Bundling,
        tagged: dict[tuple[str, str], tuple[str, str]],
        exact: frozenset[str],
    ) -> None:
        self.bundling = bundling
        self.tagged = tagged
        self.exact = exact

    def __call__(self) -> tuple[ir.Bundle, ...]:
        return self.bundling.finish(self.bundling.raw(), self.tagged, self.exact)


def _compile(
    root: Path, strict: bool, early: Callable[[Bundling], Made | None]
) -> tuple[ir.Program, list[Document], Bundles]:
    documents, errors = load_all(root)
    annotations: Counter[str] = Counter()
    formats: Counter[str] = Counter()
    sites: dict[str, list[RefSite]] = {}
    for doc in documents:  # one walk: the check, and what walk_refs resolves
        found, sites[doc.path] = scan_document(
            doc.path, doc.contents, doc.draft, strict, annotations, formats
        )
        errors.extend(found)
    if errors:
        raise CompileError(errors)
    documents += meta_documents(documents)  # the official ones a $ref reaches
    graph = SchemaGraph(documents)
    ref_errors, deps = walk_refs(graph, sites)
    if ref_errors:
        raise CompileError(ref_errors)
    bundling = Bundling(graph, documents, deps)
    made_elsewhere = early(bundling)
    names = module_names(documents)
    lowerer = Lowerer(graph, names, strict)
    roots: dict[str, ir.TypeName | None] = {}
    messages: dict[str, ir.MessageType | None] = {}
    for doc in documents:
        try:
            messages[doc.path] = message_of(doc.path, doc.contents)
            ctx = Ctx(doc.path, "", graph.root_resolver(doc.path), doc.draft)
            roots[doc.path] = None
            if not is_definitions_only(doc.contents, doc.draft):
                roots[doc.path] = lowerer.declare(doc.contents, ctx).target
            if isinstance(doc.contents, dict):
                for keyword in ("$defs", "definitions"):
                    for key, sub in (doc.contents.get(keyword) or {}).items():
                        pointer = pointer_join("", keyword, key)
                        sub_ctx = Ctx(
                            doc.path,
                            pointer,
                            graph.descend(ctx.resolver, sub, doc.draft),
                            doc.draft,
                        )
                        lowerer.declare(sub, sub_ctx)
        except CompileError as exc:
            errors.extend(exc.errors)
    errors.extend(lowerer.errors)
    if errors:
        raise CompileError(errors)
    given = None
    if made_elsewhere is not None:
        given = made_elsewhere(lowerer.tagged, contract_ids_of(roots, lowerer.decls))
    reached = bundling.reached()
    if given is None:
        exact, pattern_errors = bundling.exact()
    else:
        exact, pattern_errors = given.exact, given.errors
    if pattern_errors:
        raise CompileError(pattern_errors)
    prints = given.prints if given is not None else fingerprints(documents, reached)
    all_decls: dict[ir.TypeName, ir.Decl] = {}
    for n, d in lowerer.decls.items():
        full_check = tuple(sorted(lowerer.full_check.get(n, ())))
        all_decls[n] = (
            d if d.full_check == full_check else replace(d, full_check=full_check)
        )
    refs = {n: ir.decl_refs(d) for n, d in all_decls.items()}
    checks_of = reached_values(refs, {n: d.full_check for n, d in all_decls.items()})
    by_module: dict[str, list[ir.Decl]] = {names[d.path]: [] for d in documents}
    for name in sorted(all_decls, key=lambda n: lowerer.order[n]):
        by_module[name.module].append(all_decls[name])
    modules = []
    for doc in documents:
        mod = names[doc.path]
        decls = tuple(by_module[mod])
        root_type = roots[doc.path]
        start = [root_type] if root_type else [d.name for d in decls]
        checks = sorted(set().union(*(checks_of[n] for n in start)))
        imports = sorted(
            {r for d in decls for r in refs[d.name] if r.module != mod},
            key=lambda r: (r.module, r.name),
        )
        modules.append(
            ir.Module(
                mod,
                doc.path,
                decls,
                root_type,
                messages[doc.path],
                prints[doc.path],
                tuple(checks),
                tuple(imports),
                reached[doc.path],
                tuple(sorted(deps[doc.path] - {doc.path})),
            )
        )
    _check_import_cycles(modules)
    program_hash = hashlib.sha256()
    for m in modules:
        program_hash.update(f"{m.source}\0{m.fingerprint}\0".encode())
    contracts = contracts_of(modules, all_decls, checks_of)
    catalog = load_catalog(root, {c.id for c in contracts})
    program = ir.Program(
        tuple(modules),
        "sha256:" + program_hash.hexdigest(),
        (),
        contracts,
        catalog,
        tuple(sorted(annotations.items(), key=lambda kv: (-kv[1], kv[0]))),
        tuple(sorted(formats.items(), key=lambda kv: (-kv[1], kv[0]))),
    )
    return program, documents, Bundles(bundling, lowerer.tagged, exact)


def contract_ids_of(
    roots: dict[str, ir.TypeName | None], decls: dict[ir.TypeName, ir.Decl]
) -> list[str]:
    """The ids of :func:`contracts_of`, sorted, known once lowered (a file with a
    root type, a top-level ``$defs`` entry): ``generate``'s child renders the
    validators of these while this process makes the program."""
    ids = {path for path, root in roots.items() if root is not None}
    for d in decls.values():
        parts = d.source.partition("#")[2].split("/")
        if len(parts) == 3 and parts[1] in ("$defs", "definitions"):
            ids.add(d.source)
    return sorted(ids)


def contracts_of(
    modules: list[ir.Module],
    decls: dict[ir.TypeName, ir.Decl],
    checks_of: dict[ir.TypeName, frozenset[str]],
) -> tuple[ir.Contract, ...]:
    """One contract per file root and per top-level ``$defs`` entry, in file order."""
    contracts = []
    for m in modules:
        named: list[tuple[str, ir.Decl]] = []
        if m.root is not None:
            named.append((m.source, decls[m.root]))
        for d in m.decls:
            parts = d.source.partition("#")[2].split("/")
            if len(parts) == 3 and parts[1] in ("$defs", "definitions"):
                named.append((d.source, d))
        seen: set[str] = set()
        for contract_id, decl in named:
            if contract_id in seen:
                continue  # the object part of an untyped schema: not a contract
            seen.add(contract_id)
            contracts.append(
                ir.Contract(
                    contract_id,
                    decl.name,
                    m.message if decl.name == m.root else None,
                    m.fingerprint,
                    m.documents,
                    tuple(sorted(checks_of[decl.name])),
                )
            )
    return tuple(contracts)


def _check_import_cycles(modules: list[ir.Module]) -> None:
    """Refuse files that import each other, naming the first cycle found.

    A depth-first walk in sorted order, with an explicit stack (a chain of
    imports thousands of files deep is no recursion).
    """
    graph = {m.name: sorted({r.module for r in m.imports}) for m in modules}
    source = {m.name: m.source for m in modules}
    state: dict[str, int] = {}
    for root in sorted(graph):
        if state.get(root):
            continue
        state[root] = 1
        path = [root]
        work = [(root, iter(graph[root]))]
        while work:
            name, deps = work[-1]
            for dep in deps:
                if state.get(dep) == 1:
                    cycle = path[path.index(dep) :] + [dep]
                    raise CompileError([_cycle_error(source, name, cycle)])
                if not state.get(dep):
                    state[dep] = 1
                    path.append(dep)
                    work.append((dep, iter(graph.get(dep, ()))))
                    break
            else:
                work.pop()
                path.pop()
                state[name] = 2


def _cycle_error(source: dict[str, str], name: str, cycle: list[str]) -> ContractError:
    files = " -> ".join(source[c] for c in cycle)
    return ContractError(
        source[name],
        "",
        "file-cycle",
        f"files reference each other in a cycle ({files});"
        " generated modules cannot import each other",
        "move the mutually recursive definitions into one file",
    )
