"""Large and deep sets: the benchmark's shapes compile, deep chains do not crash.

Speed is measured by ``benchmarks/codegen.py --scale``, never asserted here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.shapes import ENVELOPE_FILE, SHAPES, build_shape, write_shape
from codegen.compiler import ir, lower
from codegen.compiler.compile import compile_documents
from codegen.compiler.graph import components, reached_values
from codegen.compiler.load import load_all
from codegen.emit import Settings, build_files
from codegen.errors import CompileError


def test_every_shape_compiles(tmp_path: Path) -> None:
    for shape in SHAPES:
        write_shape(tmp_path / shape, shape, 12)
        program, documents = compile_documents(tmp_path / shape)
        assert len(documents) == 13 + (shape == "envelope")
        assert len(program.modules) == len(documents)


def test_shapes_reference_as_described(tmp_path: Path) -> None:
    chain = build_shape("chain", 5)
    events = [rel for rel in chain if rel.startswith("events/")]
    for rel, later in zip(events, events[1:], strict=False):
        assert chain[rel]["properties"]["next"]["$ref"].endswith(later)
    assert "next" not in chain[events[-1]]["properties"]
    many = build_shape("events", 30)
    referring = [s for s in many.values() if "after" in s.get("properties", {})]
    assert len(referring) == 28


def test_envelope_is_one_tagged_union_of_every_event(tmp_path: Path) -> None:
    write_shape(tmp_path, "envelope", 15)
    program, _ = compile_documents(tmp_path)
    module = next(m for m in program.modules if m.source == ENVELOPE_FILE)
    (root,) = module.decls
    assert isinstance(root, ir.ObjectDecl)
    data = root.fields[1].type
    assert isinstance(data, ir.UnionT)
    assert data.discriminator == "event_type"
    assert len(data.members) == 15


def test_components_close_cycles_before_what_points_at_them() -> None:
    edges = {"a": ["b"], "b": ["c", "a"], "c": ["d"], "d": [], "e": ["a", "x"]}
    found = components(["e", "a", "b", "c", "d"], edges)
    assert [sorted(c) for c in found] == [["d"], ["c"], ["a", "b"], ["e"]]


def test_reached_values_include_the_node_and_everything_it_reaches() -> None:
    edges = {"a": ["b"], "b": ["c", "a"], "c": [], "d": ["c"], "e": []}
    own = {"a": ["A"], "c": ["C"], "d": ["D"]}
    assert reached_values(edges, own) == {
        "a": {"A", "C"},
        "b": {"A", "C"},
        "c": {"C"},
        "d": {"C", "D"},
        "e": frozenset(),
    }


def test_reached_values_of_a_long_chain_without_recursion() -> None:
    n = 20_000  # far past the recursion limit
    edges = {i: [i + 1] if i + 1 < n else [] for i in range(n)}
    own = {n - 1: ["end"], 0: ["start"]}
    reached = reached_values(edges, own)
    assert reached[0] == {"start", "end"}
    assert reached[1] == {"end"}


def _write(root: Path, files: dict[str, object]) -> None:
    for rel, schema in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(json.dumps(schema), encoding="utf-8")


def _obj(**props: object) -> dict[str, object]:
    return {"type": "object", "properties": props}


def test_files_that_import_each_other_are_refused_naming_the_cycle(
    tmp_path: Path,
) -> None:
    _write(
        tmp_path,
        {
            "a.json": _obj(b={"$ref": "b.json"}),
            "b.json": _obj(c={"$ref": "c.json"}, z={"$ref": "z.json"}),
            "c.json": _obj(a={"$ref": "a.json"}),
            "z.json": _obj(n={"type": "integer"}),
        },
    )
    with pytest.raises(CompileError) as caught:
        compile_documents(tmp_path)
    (error,) = caught.value.errors
    assert (error.file, error.code) == ("c.json", "file-cycle")
    assert "(a.json -> b.json -> c.json -> a.json)" in error.message


def _chain(root: Path, depth: int) -> None:
    """``depth`` files, each referring to the next: by a property, or (every
    third) as the whole schema, so aliases chain too."""
    files: dict[str, object] = {}
    for i in range(depth):
        later = {"$ref": f"f{i + 1:05d}.json"}
        files[f"f{i:05d}.json"] = (
            _obj(n={"type": "integer"})
            if i == depth - 1
            else later
            if i % 3 == 2
            else _obj(next=later)
        )
    _write(root, files)


def test_a_chain_of_2000_references_to_later_files_compiles(tmp_path: Path) -> None:
    _chain(tmp_path, 2000)
    program, documents = compile_documents(tmp_path)
    files = build_files(program, documents, Settings())
    first = program.modules[0]
    assert len(first.documents) == 2000
    assert first.imports == (ir.TypeName("f00001", "F00001"),)
    assert (
        "from platform_contracts.f00001 import F00001"
        in files["python/platform_contracts/f00000.py"].decode()
    )


def test_a_chain_deeper_than_the_limit_is_refused_with_a_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lower, "MAX_NESTING", 40)
    _chain(tmp_path, 100)
    with pytest.raises(CompileError) as caught:
        compile_documents(tmp_path)
    codes = {(e.code, e.file) for e in caught.value.errors}
    assert ("ref-too-deep", "f00040.json") in codes
    assert all(code == "ref-too-deep" for code, _ in codes)
    assert "more than 40 deep" in caught.value.errors[0].message


def test_links_out_of_the_schemas_folder_are_refused(tmp_path: Path) -> None:
    """load_all resolves only linked files (rglob does not enter a linked folder):
    a file linked from outside is refused, one linked from inside is read, and a
    linked folder's files are not schema files."""
    root, outside = tmp_path / "schemas", tmp_path / "elsewhere"
    (root / "sub").mkdir(parents=True)
    outside.mkdir()
    schema = json.dumps({"$schema": "https://json-schema.org/draft/2020-12/schema"})
    (root / "sub" / "a.json").write_text(schema)
    (outside / "b.json").write_text(schema)
    (root / "out.json").symlink_to(outside / "b.json")
    (root / "in.json").symlink_to(root / "sub" / "a.json")
    (root / "folder").symlink_to(outside, target_is_directory=True)
    documents, errors = load_all(root)
    assert [d.path for d in documents] == ["in.json", "sub/a.json"]
    assert [(e.file, e.code) for e in errors] == [("out.json", "outside-root")]
