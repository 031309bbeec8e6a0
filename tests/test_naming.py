"""The naming rules, as a table."""

from __future__ import annotations

import pytest

from codegen.naming import (
    module_part,
    pascal_case,
    python_field_name,
    type_name_problem,
    unique_field_names,
)


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
