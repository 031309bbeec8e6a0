"""Bugs found by the conformance runner and the differential fuzzer, kept fixed."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from codegen.api import generate, generate_to
from codegen.emit import Settings
from runtime import Contracts, ContractViolation


def verdicts(
    tmp_path: Path, files: dict[str, Any], contract: str, docs: list[Any], pkg: str
) -> list[bool]:
    schemas = tmp_path / "schemas"
    for name, content in files.items():
        (schemas / name).parent.mkdir(parents=True, exist_ok=True)
        (schemas / name).write_text(json.dumps(content))
    generate_to(schemas, tmp_path / "out", Settings(python_package=pkg))
    sys.path.insert(0, str(tmp_path / "out" / "python"))
    validator = Contracts(pkg).get(contract)
    out = []
    for doc in docs:
        try:
            validator.validate_python(doc)
            out.append(True)
        except ContractViolation:
            out.append(False)
    return out


def test_extra_property_with_dependent_required(
    tmp_path: Path, clean_modules: None
) -> None:
    """An open object with dependentRequired crashed on an unknown property."""
    schema = {
        "type": "object",
        "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
        "dependentRequired": {"a": ["b"]},
    }
    docs = [{"c": 1}, {"a": "x"}, {"a": "x", "b": "y"}]
    assert verdicts(tmp_path, {"a.json": schema}, "a.json", docs, "reg_dep") == [
        True, False, True,
    ]  # fmt: skip


def test_boolean_schema_files(tmp_path: Path, clean_modules: None) -> None:
    """A schema file whose whole content is `true` or `false` crashed the graph's
    index (TypeError: 'bool' object is not iterable); the suite's boolean_schema
    cases were refused as compiler crashes."""
    files = {"yes.json": True, "no.json": False}
    docs = [1, "x", {"a": None}, [], None]
    assert verdicts(tmp_path, files, "yes.json", docs, "reg_bool") == [True] * 5
    assert verdicts(tmp_path / "2", files, "no.json", docs, "reg_bool2") == [False] * 5


def test_property_named_like_a_builtin(tmp_path: Path, clean_modules: None) -> None:
    """A field named `list` shadowed the builtin in the model's annotations."""
    schema = {"type": "object", "properties": {"list": {"type": "array"}}}
    docs = [{"list": []}, {"list": 1}]
    assert verdicts(tmp_path, {"a.json": schema}, "a.json", docs, "reg_list") == [
        True, False,
    ]  # fmt: skip


def test_full_check_resolves_refs_against_the_id(
    tmp_path: Path, clean_modules: None
) -> None:
    """The full check resolved relative $refs against the file path and crashed."""
    files = {
        "a.json": {
            "$id": "https://example.com/schemas/a.json",
            "$ref": "b.json",
            "not": {"type": "null"},
        },
        "string_type.json": {
            "$id": "https://example.com/schemas/b.json",
            "type": "string",
        },
    }
    assert verdicts(tmp_path, files, "a.json", ["x", 1], "reg_ids") == [True, False]


def test_full_check_keeps_ecma_patterns_and_decimal_multiple_of(
    tmp_path: Path, clean_modules: None
) -> None:
    """Following a $ref, jsonschema picked its stock class by $schema and lost our
    ECMA `pattern` and decimal `multipleOf`."""
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {"zip": {"type": "string"}, "price": {"type": "number"}},
        "if": {"required": ["zip"]},
        "then": {
            "properties": {
                "zip": {"pattern": "^[0-9]{5}$"},
                "price": {"multipleOf": 0.01},
            }
        },
    }
    docs = [{"zip": "12345\n"}, {"zip": "12345", "price": 19.99}]
    assert verdicts(tmp_path, {"a.json": schema}, "a.json", docs, "reg_ecma") == [
        False, True,
    ]  # fmt: skip


@pytest.mark.parametrize("extra", [{}, {"not": {"type": "null"}}])
def test_empty_enum_is_bundled_as_not_anything(tmp_path: Path, extra: Any) -> None:
    """Ajv refuses `enum: []`; the bundle says `not: {}` instead (nothing valid)."""
    (tmp_path / "a.json").write_text(json.dumps({"enum": [], **extra}))
    bundle = generate(tmp_path).program.bundles[0].schema
    assert isinstance(bundle, dict) and "enum" not in bundle
    if extra:
        assert bundle["not"] == {"type": "null"} and bundle["allOf"] == [{"not": {}}]
    else:
        assert bundle["not"] == {}


def test_invalid_default_does_not_fail_absent_fields(
    tmp_path: Path, clean_modules: None
) -> None:
    """A default is an annotation: one of the wrong type must not reject instances
    that leave the field out (it was validated with validate_default)."""
    schema = {
        "type": "object",
        "properties": {"a": {"type": "integer", "default": []}},
    }
    docs = [{}, {"a": 1}, {"a": []}]
    assert verdicts(tmp_path, {"a.json": schema}, "a.json", docs, "reg_def") == [
        True, True, False,
    ]  # fmt: skip


def test_embedded_relative_id_is_applied_once(
    tmp_path: Path, clean_modules: None
) -> None:
    """A relative $id was applied twice when lowering a $ref target or a $defs
    entry (nested/foo.json became nested/nested/foo.json): the schema was refused
    for a reference to a URI it does not name (suite ref.json#20, refRemote.json#4)."""
    schema = {
        "$id": "https://example.com/ref-and-id/base.json",
        "$ref": "nested/foo.json",
        "$defs": {
            "foo": {"$id": "nested/foo.json", "$ref": "./bar.json"},
            "bar": {"$id": "nested/bar.json", "type": "number"},
            "list": {
                "$id": "folder/",
                "type": "array",
                "items": {"$ref": "item.json"},
            },
            "item": {"$id": "folder/item.json", "type": "integer"},
        },
    }
    assert verdicts(tmp_path, {"a.json": schema}, "a.json", [5, "a"], "reg_id1") == [
        True, False,
    ]  # fmt: skip


def test_relative_root_id_is_applied_once(tmp_path: Path, clean_modules: None) -> None:
    """The same rule at a file's root: its relative $id (with a folder) is its
    base, once, for its own $ref and for an embedded resource's."""
    files = {
        "a.json": {
            "$id": "sub/a.json",
            "$ref": "x.json",
            "$defs": {"x": {"$id": "x.json", "$ref": "b.json"}},
        },
        "b.json": {"$id": "sub/b.json", "type": "string"},
    }
    assert verdicts(tmp_path, files, "a.json", ["x", 1], "reg_id2") == [True, False]


def test_messages_quote_json_not_python(tmp_path: Path, clean_modules: None) -> None:
    """A bad union tag points at the tag and lists the tags as JSON strings; the
    combinators the full check reports use the Node runtime's words, never
    jsonschema's Python reprs of the instance and the schema."""
    from tests.conftest import GOLDEN

    out = tmp_path / "out"
    generate_to(GOLDEN / "unions" / "schemas", out, Settings(python_package="msg_u"))
    generate_to(
        GOLDEN / "composition" / "schemas",
        tmp_path / "c",
        Settings(python_package="msg_c"),
    )
    sys.path[:0] = [str(out / "python"), str(tmp_path / "c" / "python")]
    shape = Contracts("msg_u").get("shape_envelope.json")
    with pytest.raises(ContractViolation) as info:
        shape.validate_python({"id": "a", "shape": {"kind": "Circle", "radius": 1}})
    found = {(v.pointer, v.expected, v.got) for v in info.value.violations}
    assert (
        "/shape/kind",
        'one of "circle", "square", "rectangle"',
        '"Circle"',
    ) in found
    with pytest.raises(ContractViolation) as info:
        shape.validate_python({"id": "a", "shape": {"radius": 1}})
    assert ("/shape/kind", "a required property", "nothing") in {
        (v.pointer, v.expected, v.got) for v in info.value.violations
    }
    composition = Contracts("msg_c")
    texts = []
    for name in composition.names():
        for doc in ({"username": "admin"}, {"quantity": 26}):
            try:
                composition.get(name).validate_python(doc)
            except ContractViolation as exc:
                texts += [v.expected for v in exc.violations]
    assert "not: must NOT be valid" in texts
    assert not [t for t in texts if "{'" in t or "should not be valid" in t]


def test_a_false_subschema_is_refused_at_its_place(tmp_path: Path) -> None:
    """A property (or item) whose schema is ``false``: jsonschema gives that error
    no path and no keyword, so Python said "/: expected None null" (or, beside a
    model error, nothing at all) where Node says the property. Both runtimes now
    say the same, at the property."""
    from tests.test_union_report import reports, write

    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {
            "x": False,
            "y": {"type": "string"},
            "z": {"type": "array", "prefixItems": [True, False]},
        },
    }
    docs = [{"x": 1}, {"x": 1, "y": 2}, {"z": [1, 2]}, {"y": "ok", "z": [1]}]
    false = "expected no value at all (the schema is false)"
    assert reports(tmp_path, write(tmp_path, {"a.json": schema}), "a.json", docs) == [
        [f"/x: {false}, got 1"],
        [f"/x: {false}, got 1", "/y: expected a string, got 2"],
        [f"/z/1: {false}, got 2"],
        [],
    ]
