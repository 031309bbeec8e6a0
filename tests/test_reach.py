"""codegen/typescript/reach.py: the files a precompiled validator would reach, found
first.

The bound it answers (``MAX_FILES``) is the one validators.py enforces while writing
a check; reach.py only saves writing checks that would be thrown away, so the
output with it must be the output without it, byte for byte.
"""

from __future__ import annotations

from typing import Any

from codegen.compiler import ir
from codegen.typescript.reach import Reach

URI = "file:///schemas/"


def _bundles(schemas: dict[str, Any], draft: str = "2020-12") -> dict[str, ir.Bundle]:
    return {
        URI + path: ir.Bundle(path, URI + path, draft, schema)
        for path, schema in schemas.items()
    }


def _chain(length: int) -> dict[str, ir.Bundle]:
    """f0 .. f{length-1}; f{i} refers to f{i+1} through property ``next``."""
    schemas = {}
    for i in range(length):
        props: dict[str, Any] = {"n": {"type": "integer"}}
        if i + 1 < length:
            props["next"] = {"$ref": f"{URI}f{i + 1}.json"}
        schemas[f"f{i}.json"] = {"type": "object", "properties": props}
    return _bundles(schemas)


def test_a_chain_is_over_the_bound_exactly_where_it_reaches_more_files() -> None:
    reach = Reach(_chain(20))
    # f{i} reaches f{i} .. f19: 20 - i files.
    over = [reach.over((f"{URI}f{i}.json", ""), set(), 8) for i in range(20)]
    assert over == [True] * 12 + [False] * 8
    # Files a module already holds count too.
    assert reach.over((f"{URI}f12.json", ""), {"elsewhere"}, 8)
    assert not reach.over((f"{URI}f12.json", ""), {f"{URI}f15.json"}, 8)


def test_every_keyword_followed_is_one_the_validator_follows() -> None:
    ref = {"$ref": URI + "t.json"}
    followed: list[dict[str, Any]] = [
        ref,
        {"properties": {"a/b~": ref}},
        {"additionalProperties": ref},
        {"items": ref},
        {"allOf": [{}, ref]},
        {"anyOf": [{}, ref]},
        {"oneOf": [ref]},
        {"oneOf": [ref], "discriminator": {"propertyName": "kind"}},
        {"properties": {"a": {"items": {"allOf": [ref]}}}},
        {"$ref": URI + "t.json#/$defs/a%20b"},
    ]
    for schema in followed:
        reach = Reach(_bundles({"s.json": schema, "t.json": {"$defs": {"a b": {}}}}))
        assert reach.over((URI + "s.json", ""), set(), 1), schema


def test_what_the_validator_may_not_follow_is_not_followed() -> None:
    """Following more than the validator would count files it never reaches, and
    leave to Ajv a contract it models."""
    ref = {"$ref": URI + "t.json"}
    ignored: list[dict[str, Any]] = [
        {"$defs": {"x": ref}},
        {"examples": [ref]},
        {"$ref": URI + "t.json#anchor"},  # an anchor: the validator refuses it
        {"items": [ref]},
        {"properties": {"a": {"const": ref}}},
        # A $ref target in propertyNames is written inline: its file not counted.
        {"propertyNames": ref},
    ]
    for schema in ignored:
        reach = Reach(_bundles({"s.json": schema, "t.json": {}}))
        assert not reach.over((URI + "s.json", ""), set(), 1), schema


def test_draft_07_ignores_what_is_beside_a_ref() -> None:
    beside = {"$ref": "#/definitions/x", "properties": {"a": {"$ref": URI + "t.json"}}}
    schemas = {"s.json": {**beside, "definitions": {"x": {}}}, "t.json": {}}
    assert not Reach(_bundles(schemas, "7")).over((URI + "s.json", ""), set(), 1)
    assert Reach(_bundles(schemas)).over((URI + "s.json", ""), set(), 1)


def test_locations_and_cycles() -> None:
    schemas = {
        "a.json": {
            "$defs": {"x": {"$ref": URI + "b.json#/$defs/y"}},
            "anyOf": [{"$ref": "#/$defs/x"}, {"type": "null"}],
        },
        "b.json": {"$defs": {"y": {"$ref": URI + "a.json"}, "z": {"$ref": "c.json"}}},
    }
    reach = Reach(_bundles(schemas))
    assert reach.edges((URI + "a.json", "")) == (
        (URI + "a.json", "/anyOf/0"),
        (URI + "a.json", "/anyOf/1"),
    )
    assert reach.edges((URI + "a.json", "/anyOf/0")) == ((URI + "a.json", "/$defs/x"),)
    assert reach.over((URI + "a.json", ""), set(), 1)  # a -> b -> a: two files
    assert not reach.over((URI + "a.json", ""), set(), 2)  # b#/$defs/z not reached
    assert reach.edges((URI + "a.json", "/no/such")) == ()
    assert reach.edges((URI + "missing.json", "")) == ()
