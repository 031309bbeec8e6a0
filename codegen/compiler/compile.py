"""load -> resolve -> lower: a folder of schemas to an :class:`ir.Program`."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Any

from codegen.compiler import ir
from codegen.compiler.bundle import (
    Bundler,
    add_discriminators,
    drop_annotations_ajv_reads,
)
from codegen.compiler.catalog import load_catalog
from codegen.compiler.load import Document, load_all
from codegen.compiler.lower import Ctx, Lowerer
from codegen.compiler.naming import module_part
from codegen.compiler.nodelimits import node_limit_errors
from codegen.compiler.resolve import SchemaGraph, walk_refs
from codegen.compiler.vocabulary import check_document, is_definitions_only, message_of
from codegen.errors import CompileError, ContractError
from codegen.python.render import refs_in
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
    """Every file a file reaches through ``$ref`` (itself included), sorted, by path."""
    result = {}
    for doc in documents:
        reach: set[str] = set()
        stack = [doc.path]
        while stack:
            path = stack.pop()
            if path not in reach:
                reach.add(path)
                stack.extend(deps[path])
        result[doc.path] = tuple(sorted(reach))
    return result


def fingerprints(
    documents: list[Document], reached: dict[str, tuple[str, ...]]
) -> dict[str, str]:
    """sha256 of a file's canonical JSON and of every file it reaches, by path."""
    canon = {d.path: canonical(d.contents) for d in documents}
    result = {}
    for doc in documents:
        h = hashlib.sha256()
        for path in reached[doc.path]:
            h.update(path.encode() + b"\0" + canon[path] + b"\0")
        result[doc.path] = "sha256:" + h.hexdigest()
    return result


def compile_documents(
    root: Path, strict: bool = False
) -> tuple[ir.Program, list[Document]]:
    """Compile every schema below ``root``; return the program and the documents.

    ``strict`` refuses unknown keywords; otherwise they are annotations, counted
    in ``Program.annotations``."""
    documents, errors = load_all(root)
    annotations: Counter[str] = Counter()
    for doc in documents:
        errors.extend(
            check_document(doc.path, doc.contents, doc.draft, strict, annotations)
        )
    if errors:
        raise CompileError(errors)
    graph = SchemaGraph(documents)
    ref_errors, deps = walk_refs(graph)
    if ref_errors:
        raise CompileError(ref_errors)
    bundler = Bundler(graph)  # resolves $dynamicRef, for the Node bundle
    errors.extend(node_limit_errors(bundler))
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
    reached = reaches(documents, deps)
    prints = fingerprints(documents, reached)
    all_decls: dict[ir.TypeName, ir.Decl] = {
        n: replace(d, full_check=tuple(sorted(lowerer.full_check.get(n, ()))))
        for n, d in lowerer.decls.items()
    }
    by_module: dict[str, list[ir.Decl]] = {names[d.path]: [] for d in documents}
    for name in sorted(all_decls, key=lambda n: lowerer.order[n]):
        by_module[name.module].append(all_decls[name])
    modules = []
    for doc in documents:
        mod = names[doc.path]
        decls = tuple(by_module[mod])
        root_type = roots[doc.path]
        closure = _closure(
            [root_type] if root_type else [d.name for d in decls], all_decls
        )
        checks = sorted({c for n in closure for c in all_decls[n].full_check})
        imports = sorted(
            {r for d in decls for r in _decl_refs(d) if r.module != mod},
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
            )
        )
    _check_import_cycles(modules)
    program_hash = hashlib.sha256()
    for m in modules:
        program_hash.update(f"{m.source}\0{m.fingerprint}\0".encode())
    bundled = bundler.bundle()
    drop_annotations_ajv_reads(bundled, {d.path: d.draft for d in documents})
    add_discriminators(bundled, lowerer.tagged, graph.base_uri)
    bundles = tuple(
        ir.Bundle(d.path, graph.base_uri[d.path], d.draft, bundled[d.path])
        for d in documents
    )
    contracts = contracts_of(modules, all_decls)
    catalog = load_catalog(root, {c.id for c in contracts})
    program = ir.Program(
        tuple(modules),
        "sha256:" + program_hash.hexdigest(),
        bundles,
        contracts,
        catalog,
        tuple(sorted(annotations.items(), key=lambda kv: (-kv[1], kv[0]))),
    )
    return program, documents


def contracts_of(
    modules: list[ir.Module], decls: dict[ir.TypeName, ir.Decl]
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
                    tuple(full_checks(decls, decl.name)),
                )
            )
    return tuple(contracts)


def _decl_refs(decl: ir.Decl) -> list[ir.TypeName]:
    if isinstance(decl, ir.ObjectDecl):
        out = [r for f in decl.fields for r in refs_in(f.type)]
        if decl.extra is not None:
            out += list(refs_in(decl.extra))
        return out
    return list(refs_in(decl.type))


def _closure(
    start: list[ir.TypeName], decls: dict[ir.TypeName, ir.Decl]
) -> set[ir.TypeName]:
    seen: set[ir.TypeName] = set()
    stack = list(start)
    while stack:
        n = stack.pop()
        if n in seen or n not in decls:
            continue
        seen.add(n)
        stack.extend(_decl_refs(decls[n]))
    return seen


def full_checks(decls: dict[ir.TypeName, ir.Decl], start: ir.TypeName) -> list[str]:
    """Every full-check location of a declaration and of what it references."""
    return sorted({c for n in _closure([start], decls) for c in decls[n].full_check})


def _check_import_cycles(modules: list[ir.Module]) -> None:
    graph = {m.name: {r.module for r in m.imports} for m in modules}
    source = {m.name: m.source for m in modules}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(name: str) -> None:
        state[name] = 1
        path.append(name)
        for dep in sorted(graph.get(name, ())):
            if state.get(dep) == 1:
                cycle = path[path.index(dep) :] + [dep]
                files = " -> ".join(source[c] for c in cycle)
                raise CompileError(
                    [
                        ContractError(
                            source[name],
                            "",
                            "file-cycle",
                            f"files reference each other in a cycle ({files});"
                            " generated modules cannot import each other",
                            "move the mutually recursive definitions into one file",
                        )
                    ]
                )
            if not state.get(dep):
                visit(dep)
        path.pop()
        state[name] = 2

    for name in sorted(graph):
        if not state.get(name):
            visit(name)
