"""Large and deep sets: the benchmark's shapes compile, deep chains do not crash.

Speed is measured by ``benchmarks/codegen.py --scale``, never asserted here.
"""

from __future__ import annotations

from pathlib import Path

from benchmarks.shapes import ENVELOPE_FILE, SHAPES, build_shape, write_shape
from codegen.compiler import ir
from codegen.compiler.compile import compile_documents


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
