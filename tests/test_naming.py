"""The naming rules, as a table."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from codegen.api import generate
from codegen.compiler.naming import (
    MODEL_ATTRIBUTES,
    fallback_type_names,
    module_part,
    pascal_case,
    python_field_name,
    type_name_at,
    type_name_problem,
    unique_field_names,
)
from codegen.emit import Settings
from codegen.errors import CompileError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("order line", "OrderLine"),
        ("order_line", "OrderLine"),
        ("orderLine", "OrderLine"),
        ("OrderLine", "OrderLine"),
        ("HTTPRequest", "HTTPRequest"),
        ("task_requested.v1", "TaskRequestedV1"),
        ("2fa", "T2fa"),
        ("", "T"),
        ("ünïcode name", "UnicodeName"),
    ],
)
def test_pascal_case(text: str, expected: str) -> None:
    assert pascal_case(text) == expected


@pytest.mark.parametrize(
    ("json_name", "expected"),
    [
        ("customerId", "customer_id"),
        ("first-name", "first_name"),
        ("a b", "a_b"),
        ("class", "class_"),
        ("import", "import_"),
        ("None", "none"),
        ("2fa", "n2fa"),
        ("_private", "private"),
        ("__init__", "init"),
        ("$meta", "meta"),
        ("model_config", "model_config_"),
        ("model_dump", "model_dump_"),
        ("json", "json_"),
        ("copy", "copy_"),
        ("match", "match_"),
        ("", "field"),
    ],
)
def test_python_field_name(json_name: str, expected: str) -> None:
    assert python_field_name(json_name) == expected


def test_colliding_field_names_keep_the_exact_one() -> None:
    assert unique_field_names(["userId", "user_id"]) == {
        "userId": "user_id_",
        "user_id": "user_id",
    }
    assert unique_field_names(["a-b", "a b", "a_b"]) == {
        "a-b": "a_b_",
        "a b": "a_b__",
        "a_b": "a_b",
    }


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("Order", True),
        ("Field", False),
        ("Any", False),
        ("Date", False),
        ("class", False),
        ("_X", False),
        ("A-B", False),
    ],
)
def test_type_name_problem(name: str, ok: bool) -> None:
    assert (type_name_problem(name) is None) is ok


def test_module_part() -> None:
    assert module_part("task_requested.v1") == "task_requested_v1"
    assert module_part("import") == "import_"
    assert module_part("3d") == "m3d"


# One document, every step of the location rule (``type_name_at``).
DOCUMENT = {
    "properties": {
        "ship-to": {"type": "object", "properties": {"zip": {"type": "string"}}},
        "lines": {"type": "array", "items": {"type": "object"}},
        "shape": {
            "oneOf": [
                {"properties": {"kind": {"const": "circle"}}},
                {"properties": {"size": {"type": "number"}}},
            ]
        },
        "pair": {"prefixItems": [{}, {"title": "second thing"}]},
        "tags": {"additionalProperties": {"type": "string"}},
        "titled": {"title": "Money", "properties": {"cents": {"type": "integer"}}},
    },
    "$defs": {"audit_trail": {"items": {"not": {}}}},
    "dependentSchemas": {"card": {}},
}


@pytest.mark.parametrize(
    ("pointer", "expected"),
    [
        ("", "OrderCreatedV1"),
        ("/properties/ship-to", "OrderCreatedV1ShipTo"),
        ("/properties/ship-to/properties/zip", "OrderCreatedV1ShipToZip"),
        ("/properties/lines/items", "OrderCreatedV1LinesItem"),
        ("/properties/shape/oneOf/0", "OrderCreatedV1ShapeCircle"),
        ("/properties/shape/oneOf/1", "OrderCreatedV1ShapeOption2"),
        ("/properties/pair/prefixItems/0", "OrderCreatedV1PairItem1"),
        ("/properties/pair/prefixItems/1", "SecondThing"),
        ("/properties/tags/additionalProperties", "OrderCreatedV1TagsValue"),
        ("/properties/titled", "Money"),
        ("/properties/titled/properties/cents", "MoneyCents"),
        ("/$defs/audit_trail", "AuditTrail"),
        ("/$defs/audit_trail/items/not", "AuditTrailItemNot"),
        ("/dependentSchemas/card", "OrderCreatedV1CardDependency"),
        ("/properties/ship%2Dto", "OrderCreatedV1ShipTo"),  # a URI fragment
    ],
)
def test_type_name_at(pointer: str, expected: str) -> None:
    assert type_name_at(DOCUMENT, "order/order_created.v1.json", pointer) == expected


def test_a_root_title_names_the_file() -> None:
    titled = {"title": "Order placed", "properties": {"id": {}}}
    assert type_name_at(titled, "x.json", "") == "OrderPlaced"
    assert type_name_at(titled, "x.json", "/properties/id") == "OrderPlacedId"


# Names for schemas nobody here can edit (``fallback_type_names``): when the name
# above is taken or reserved, the parent location qualifies it, then the location
# without titles, then the whole path; never a number.
TASK = {"id": {"type": "string"}}
FOREIGN: dict[str, Any] = {
    "title": "Citation file",
    "$defs": {
        "date": {"title": "Date", "type": "string"},
        "env": {"$defs": {"plugins": {"type": "object"}}},
        "plugins": {"extractors": {"title": "Task", "type": "object"}},
    },
    "properties": {
        "job": {"properties": {"task": {"title": "Task", "properties": TASK}}},
        "tasks": {"items": {"title": "Task", "properties": TASK}},
        "extractor": {"$ref": "#/$defs/plugins/extractors"},
        "env": {"$ref": "#/$defs/env/$defs/plugins"},
    },
}


@pytest.mark.parametrize(
    ("pointer", "first", "fallbacks"),
    [
        ("", "CitationFile", ["Ci"]),
        ("/$defs/date", "Date", ["CitationFileDate", "Date", "CiDate"]),
        (
            "/$defs/env/$defs/plugins",
            "Plugins",
            ["EnvPlugins", "Plugins", "CiEnvPlugins"],
        ),
        ("/$defs/plugins", "Plugins", ["CitationFilePlugins", "Plugins", "CiPlugins"]),
        (
            "/$defs/plugins/extractors",
            "Task",
            ["PluginsTask", "PluginsExtractors", "CiPluginsExtractors"],
        ),
        (
            "/properties/job/properties/task",
            "Task",
            ["CitationFileJobTask", "CiJobTask"],
        ),
        ("/properties/tasks/items", "Task", ["CitationFileTasksTask", "CiTasksItem"]),
    ],
)
def test_fallback_type_names(pointer: str, first: str, fallbacks: list[str]) -> None:
    assert type_name_at(FOREIGN, "ci.json", pointer) == first
    assert fallback_type_names(FOREIGN, "ci.json", pointer) == fallbacks


def test_foreign_names_qualified_and_strict_names_refused(tmp_path: Path) -> None:
    (tmp_path / "ci.json").write_text(json.dumps(FOREIGN))
    decls = {
        d.source.partition("#")[2]: d.name.name
        for m in generate(tmp_path).program.modules
        for d in m.decls
    }
    assert {k: v for k, v in decls.items() if "Object" not in v} == {
        "/properties/job": "CitationFileJob",
        "/properties/job/properties/task": "Task",
        "/properties/tasks/items": "CitationFileTasksTask",
        "/$defs/plugins/extractors": "PluginsTask",
        "/$defs/env/$defs/plugins": "Plugins",
        "/$defs/date": "CitationFileDate",
        "/$defs/env": "Env",
        "/$defs/plugins": "CitationFilePlugins",
    }
    own = {**FOREIGN, "$defs": {"date": {"title": "Date", "type": "string"}}}
    own["properties"] = {k: own["properties"][k] for k in ("job", "tasks")}
    (tmp_path / "ci.json").write_text(json.dumps(own))
    with pytest.raises(CompileError) as info:
        generate(tmp_path, Settings(strict=True))
    assert sorted(f"{e.code} {e.pointer}" for e in info.value.errors) == [
        "bad-type-name /$defs/date",
        "name-collision /properties/tasks/items",
    ]


def test_the_listed_model_attributes_are_those_of_the_installed_pydantic() -> None:
    """A field name is never one of ``BaseModel``'s public attributes (the list is
    written out so that compiling does not import Pydantic's models)."""
    from pydantic import BaseModel

    public = {n for n in dir(BaseModel) if not n.startswith(("_", "model_"))}
    assert public == MODEL_ATTRIBUTES
    assert python_field_name("schema_json") == "schema_json_"
    assert python_field_name("parse_obj") == "parse_obj_"
