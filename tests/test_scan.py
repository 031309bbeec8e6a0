"""``scan_document`` (codegen/compiler/scan.py): the one walk ``generate`` makes of
each file before the graph. Its errors are ``check_document``'s, and ``walk_refs``
given its sites answers as the walk it replaced (kept here as the reference)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from codegen.compiler.load import Document, load_all
from codegen.compiler.loops import IN_PLACE, Location, loop_errors
from codegen.compiler.metaschemas import meta_documents
from codegen.compiler.resolve import Resolver, SchemaGraph, walk_refs
from codegen.compiler.scan import check_document, scan_document
from codegen.compiler.vocabulary import subschemas
from codegen.errors import CompileError, ContractError

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p.parent.name for p in GOLDEN.glob("*/schemas"))

SCOPES = {  # $id scopes inside a file, a loop, draft-07's $ref hiding its siblings
    "a.json": {
        "$defs": {
            "In": {
                "$id": "inner/x.json",
                "properties": {"p": {"$ref": "y.json"}, "q": {"$ref": "#/$defs/Q"}},
                "$defs": {"Q": {"type": "string"}},
            },
            "L1": {"anyOf": [{"$ref": "#/$defs/L2"}, {"type": "null"}]},
            "L2": {"allOf": [{"$ref": "#/$defs/L1"}]},
        },
        "properties": {"b": {"$ref": "b.json"}},
    },
    "inner/y.json": {"type": "integer"},
    "b.json": {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "definitions": {"S": {"$ref": "#/definitions/T", "allOf": [{"$ref": "#"}]}},
        "allOf": [{"$ref": "a.json"}, True],
    },
}


def _old_walk_refs(
    graph: SchemaGraph,
) -> tuple[list[ContractError], dict[str, set[str]]]:
    """``walk_refs`` as it was before ``scan_document``: a walk of its own."""
    errors: list[ContractError] = []
    deps: dict[str, set[str]] = {path: set() for path in graph.documents}
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
                    if isinstance(target.node, dict):
                        in_place.setdefault((doc.path, pointer), []).append(
                            (target.file, target.pointer)
                        )
            siblings = ref is None or doc.draft != "7"
            for child, child_pointer in subschemas(node, doc.draft, pointer):
                stack.append((child, child_pointer, resolver))
                keyword = child_pointer[len(pointer) + 1 :].split("/", 1)[0]
                if siblings and keyword in IN_PLACE:
                    in_place.setdefault((doc.path, pointer), []).append(
                        (doc.path, child_pointer)
                    )
    errors.extend(loop_errors(in_place))
    return errors, deps


def _documents(root: Path) -> list[Document]:
    documents, errors = load_all(root)
    assert not errors
    return documents


def _compare(documents: list[Document]) -> None:
    sites = {}
    for doc in documents:
        errors, sites[doc.path] = scan_document(doc.path, doc.contents, doc.draft)
        if errors:
            return  # compiling stops here: walk_refs never runs
    documents = documents + meta_documents(documents)
    try:
        graph = SchemaGraph(documents)
    except CompileError:
        return
    new = walk_refs(graph, sites)
    old = _old_walk_refs(SchemaGraph(documents))
    assert sorted(new[0]) == sorted(old[0])
    assert new[1] == old[1]


@pytest.mark.parametrize("case", CASES)
def test_scan_checks_as_check_document(case: str) -> None:
    documents, _ = load_all(GOLDEN / case / "schemas")
    for strict in (False, True):
        for doc in documents:
            counted: tuple[Counter[str], Counter[str]] = (Counter(), Counter())
            scanned: tuple[Counter[str], Counter[str]] = (Counter(), Counter())
            expected = check_document(
                doc.path, doc.contents, doc.draft, strict, *counted
            )
            found, _ = scan_document(
                doc.path, doc.contents, doc.draft, strict, *scanned
            )
            assert sorted(found) == sorted(expected)
            assert scanned == counted


@pytest.mark.parametrize("case", CASES)
def test_walk_refs_of_the_scan_is_the_walk_it_replaced(case: str) -> None:
    if (GOLDEN / case / "schemas").is_dir():
        try:
            documents = _documents(GOLDEN / case / "schemas")
        except AssertionError:
            return  # a case whose files do not load
        _compare(documents)


def test_walk_refs_in_id_scopes_loops_and_draft_07(tmp_path: Path) -> None:
    for path, schema in SCOPES.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(json.dumps(schema))
    documents = _documents(tmp_path)
    _compare(documents)
    graph = SchemaGraph(documents)
    errors, deps = walk_refs(graph, None)
    assert deps["a.json"] == {"inner/y.json", "b.json"}
    assert [e.code for e in errors].count("schema-loop") == 1
