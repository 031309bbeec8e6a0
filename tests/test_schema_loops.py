"""Schemas that apply themselves to the same value without end (a loop of ``$ref``,
``oneOf``, ``anyOf``, ``allOf``, ``not``, ``if``... with no property or item between)
are refused with the loop spelt out, foreign or not. Before, the compiler recursed
until the C stack overflowed: ``contracts generate`` died of a segmentation fault."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from codegen.api import generate
from codegen.emit import Settings
from codegen.errors import CompileError

D2020 = "https://json-schema.org/draft/2020-12/schema"
D7 = "http://json-schema.org/draft-07/schema#"


def _write(root: Path, files: dict[str, Any]) -> None:
    for name, schema in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(schema))


def _loop_errors(root: Path, files: dict[str, Any]) -> list[str]:
    _write(root, files)
    with pytest.raises(CompileError) as info:
        generate(root, Settings())  # the specification's behaviour: foreign schemas
    return [str(e) for e in info.value.errors if e.code == "schema-loop"]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (  # the shape that crashed: a oneOf and an anyOf naming each other
            {
                "thing.json": {
                    "$schema": D2020,
                    "type": "object",
                    "properties": {"a": {"$ref": "#/$defs/A"}},
                    "$defs": {
                        "A": {"oneOf": [{"$ref": "#/$defs/B"}, {"type": "string"}]},
                        "B": {"anyOf": [{"$ref": "#/$defs/A"}, {"type": "integer"}]},
                    },
                }
            },
            "thing.json#/$defs/A: this schema applies itself to the same value"
            " without end (thing.json#/$defs/A -> thing.json#/$defs/A/oneOf/0 ->"
            " thing.json#/$defs/B -> thing.json#/$defs/B/anyOf/0 ->"
            " thing.json#/$defs/A): no value could ever be checked against it"
            " [schema-loop]\n  hint: let the recursion pass through a property or"
            " an item, or drop one of the references in the loop",
        ),
        (
            {"root.json": {"$schema": D2020, "$ref": "#"}},
            "root.json#: this schema applies itself to the same value without end"
            " (root.json# -> root.json#)",
        ),
        (
            {"all.json": {"$schema": D2020, "allOf": [{"$ref": "#"}]}},
            "(all.json# -> all.json#/allOf/0 -> all.json#)",
        ),
        (
            {"neg.json": {"$schema": D7, "not": {"if": {"$ref": "#"}}}},
            "(neg.json# -> neg.json#/not -> neg.json#/not/if -> neg.json#)",
        ),
        (  # across files
            {
                "a.json": {"$schema": D2020, "oneOf": [{"$ref": "b.json"}, {}]},
                "b.json": {"$schema": D2020, "allOf": [{"$ref": "a.json"}]},
            },
            "a.json#: this schema applies itself to the same value without end"
            " (a.json# -> a.json#/oneOf/0 -> b.json# -> b.json#/allOf/0 -> a.json#)",
        ),
    ],
)
def test_a_loop_is_refused_with_its_steps(
    tmp_path: Path, files: dict[str, Any], expected: str
) -> None:
    errors = _loop_errors(tmp_path, files)
    assert len(errors) == 1, errors
    assert expected in errors[0], errors


@pytest.mark.parametrize(
    "files",
    [
        {  # recursion through a property and an item: a tree
            "tree.json": {
                "$schema": D2020,
                "title": "Tree",
                "type": "object",
                "properties": {
                    "children": {"type": "array", "items": {"$ref": "#"}},
                    "parent": {"anyOf": [{"$ref": "#"}, {"type": "null"}]},
                },
            }
        },
        {  # draft-07: a $ref hides its siblings, so the allOf beside it is no step
            "seven.json": {
                "$schema": D7,
                "definitions": {"x": {"type": "string"}},
                "$ref": "#/definitions/x",
                "allOf": [{"$ref": "#"}],
            }
        },
    ],
)
def test_recursion_through_a_value_step_is_no_loop(
    tmp_path: Path, files: dict[str, Any]
) -> None:
    _write(tmp_path, files)
    try:
        generate(tmp_path, Settings())
    except CompileError as exc:
        assert not [e for e in exc.errors if e.code == "schema-loop"], exc.errors


def test_the_cli_refuses_a_loop_with_exit_2_and_no_crash(tmp_path: Path) -> None:
    schemas = tmp_path / "schemas"
    _write(
        schemas,
        {
            "loop.v1.json": {
                "$schema": D2020,
                "x-message": {"type": "demo.loop", "version": 1},
                "type": "object",
                "properties": {"a": {"$ref": "#/$defs/A"}},
                "$defs": {
                    "A": {"oneOf": [{"$ref": "#/$defs/B"}, {"type": "string"}]},
                    "B": {"anyOf": [{"$ref": "#/$defs/A"}, {"type": "integer"}]},
                },
            }
        },
    )
    done = subprocess.run(
        [str(Path(sys.executable).parent / "contracts"), "generate", "--schemas",
         str(schemas),
         "--out", str(tmp_path / "out")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "loop.v1.json#/$defs/A: this schema applies itself" in done.stderr
    assert "[schema-loop]" in done.stderr
    assert not (tmp_path / "out").exists()
