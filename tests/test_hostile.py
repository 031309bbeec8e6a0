"""Hostile input: every bad schema gets a precise error; no text becomes code."""

from __future__ import annotations

import ast
import inspect
import json
import sys
from pathlib import Path

import pytest

from codegen.api import generate, generate_to
from codegen.emit import Settings
from codegen.errors import CompileError
from tests.conftest import GOLDEN


def _errors(tmp_path: Path, files: dict[str, str]) -> list[str]:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    with pytest.raises(CompileError) as info:
        generate(tmp_path, Settings(strict=True))  # a team's own schemas
    return [str(e) for e in info.value.errors]


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"a.json": '{"type": "object",}'},
            "a.json#: malformed JSON at line 1 column 19",
        ),
        (
            {"a.json": '{"type": "string", "type": "integer"}'},
            'a.json#: malformed JSON: duplicate key "type"',
        ),
        (
            {"a.json": '{"type": "number", "maximum": NaN}'},
            "a.json#: malformed JSON: NaN is not JSON",
        ),
        ({"a.json": b"\xff\xfe".decode("latin-1")}, "a.json#: malformed JSON"),
        (
            {"a.json": '{"$ref": "/etc/passwd"}'},
            "a.json#/$ref: $ref '/etc/passwd' leaves the schemas folder",
        ),
        ({"a.json": '{"$ref": "file:///etc/passwd"}'}, "leaves the schemas folder"),
        (
            {"a.json": '{"$ref": "http://169.254.169.254/latest"}'},
            "nothing is fetched from the network [remote-ref]",
        ),
        (
            {"sub/a.json": '{"$ref": "../../x.json"}'},
            "sub/a.json#/$ref: $ref '../../x.json' leaves the schemas folder",
        ),
        (
            {
                "a.json": '{"$schema": "https://json-schema.org/draft/2020-12/schema",'
                ' "$dynamicRef": "https://evil.example.com/x.json#node"}'
            },
            "a.json#/$dynamicRef: $dynamicRef 'https://evil.example.com/x.json#node'"
            " points to https://evil.example.com/x.json",
        ),
        (
            {"a.json": '{"$ref": "b.json"}'},
            "a.json#/$ref: $ref 'b.json': no file b.json in the schemas dir",
        ),
        (
            {"a.json": '{"$ref": "#/$defs/x"}'},
            "a.json#/$ref: $ref '#/$defs/x': #/$defs/x does not exist",
        ),
        ({"a.json": '{"type": "strnig"}'}, "a.json#/type: 'type' must be a type name"),
        (
            {"a.json": '{"properties": {"a": {"maxLength": -1}}}'},
            "a.json#/properties/a/maxLength: 'maxLength' must be a non-negative"
            " integer, got number -1",
        ),
        (
            {"a.json": '{"pattern": "("}'},
            'a.json#/pattern: pattern "(" is not an ECMA-262 regular expression:'
            " unterminated group at index 0",
        ),
        (
            {"a.json": '{"$schema": "http://json-schema.org/draft-04/schema#"}'},
            "a.json#/$schema: unsupported $schema",
        ),
        (
            {"a.json": '{"x-message": {"type": "Bad Type", "version": 1}}'},
            "a.json#/x-message: x-message must be",
        ),
        (
            {"a.json": '{"title": "Any", "type": "object", "properties": {"a": {}}}'},
            "type name 'Any' is reserved",
        ),
        (
            {"a.json": "[1, 2]"},
            "a.json#: expected a schema (an object or a boolean), got array",
        ),
    ],
)
def test_bad_schemas_get_precise_errors(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    errors = _errors(tmp_path, files)
    assert any(expected in e for e in errors), errors


def test_empty_or_missing_folder_is_an_error(tmp_path: Path) -> None:
    for folder in (tmp_path, tmp_path / "missing"):
        with pytest.raises(CompileError) as info:
            generate(folder)
        assert [e.code for e in info.value.errors] == ["no-schemas"]


def test_reserved_type_name_error_has_hint(tmp_path: Path) -> None:
    errors = _errors(
        tmp_path,
        {"a.json": '{"title": "Field", "type": "object", "properties": {"a": {}}}'},
    )
    assert any("reserved" in e and "hint: set a 'title'" in e for e in errors), errors


def test_every_error_is_reported_not_just_the_first(tmp_path: Path) -> None:
    errors = _errors(
        tmp_path, {"a.json": '{"requird": [], "type": "strnig"}', "b.json": "{"}
    )
    assert len(errors) == 3, errors


def test_hostile_text_stays_data(tmp_path: Path, clean_modules: None) -> None:
    """Schema text with quotes, newlines and code stays in strings and docstrings."""
    case = GOLDEN / "hostile_text"
    generate_to(case / "schemas", tmp_path, Settings(python_package="hostile_pkg"))
    for path in (tmp_path / "python" / "hostile_pkg").rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                assert node.func.attr != "system", f"{path}: os.system call"
            if isinstance(node, ast.ImportFrom) and node.level:
                assert node.level == 1, f"{path}: relative import leaves the package"
            elif isinstance(node, ast.Import | ast.ImportFrom):
                modules = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                )
                assert {m.split(".")[0] for m in modules} <= {
                    "__future__",
                    "typing",
                    "pydantic",
                    "typing_extensions",
                    "hostile_pkg",
                    "dataclasses",
                    "importlib",
                    "ipaddress",
                    "math",
                    "functools",
                    "re",
                    "collections",
                    "fractions",
                    "unicodedata",
                    "json",
                    "pydantic_core",
                    "idna",  # IDNA2008 host names: a dependency of the package
                }, ast.dump(node)
    sys.path.insert(0, str(tmp_path / "python"))
    from hostile_pkg.hostile_thing import HostileThing  # type: ignore[import-not-found]

    schema = json.loads((case / "schemas" / "hostile_thing.json").read_text())
    assert schema["description"].strip() == inspect.cleandoc(HostileThing.__doc__ or "")
    names = {f.validation_alias or n for n, f in HostileThing.model_fields.items()}
    for key in schema["properties"]:
        assert key in names, key
