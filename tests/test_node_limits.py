"""Shapes the Node validator (Ajv 8) gets wrong: said another way in the bundle, or
validated by @cfworker/json-schema (codegen/bundle.py, codegen/nodelimits.py).

Each compiled case runs through both generated runtimes and must give the
verdict of ``jsonschema`` (the reference); each refused one must name its reason.
The random test generates ``unevaluated*`` schemas: each compiles and must agree
(``NODE_LIMITS_SCHEMAS=400`` for a longer run).
"""

from __future__ import annotations

import json
import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from benchmarks.differential import (
    NodeItem,
    Package,
    Refusal,
    Workspace,
    python_verdict,
    start_node,
)

DRAFT = "https://json-schema.org/draft/2020-12/schema"


@pytest.fixture(scope="module")
def space(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    return Workspace(tmp_path_factory.mktemp("node-limits"))


def build(
    space: Workspace, tmp: Path, name: str, files: dict[str, Any]
) -> Package | Refusal:
    folder = tmp / name
    for rel, schema in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(json.dumps(schema))
    return space.build(folder, name)


def verdicts(
    cases: list[tuple[Package, str, list[Any]]],
) -> list[tuple[str, Any, str, str]]:
    """(contract, instance, python, node) for each instance, both runtimes."""
    flat = [(pkg, contract, doc) for pkg, contract, docs in cases for doc in docs]
    node = start_node([NodeItem(p.ts, c, json.dumps(d)) for p, c, d in flat], 1)
    python = [python_verdict(p.name, c, json.dumps(d)) for p, c, d in flat]
    return [
        (c, d, py.show(), js.show())
        for (_, c, d), py, js in zip(flat, python, node.result(), strict=True)
    ]


def agree(space: Workspace, tmp: Path, name: str, files: dict[str, Any],
          contract: str, expected: list[tuple[Any, bool]]) -> None:  # fmt: skip
    pkg = build(space, tmp, name, files)
    assert isinstance(pkg, Package), pkg
    got = verdicts([(pkg, contract, [d for d, _ in expected])])
    wrong = [
        (d, want, py, js)
        for (_, d, py, js), (_, want) in zip(got, expected, strict=True)
        if py.startswith("valid") != want or js.startswith("valid") != want
    ]
    assert not wrong, wrong


def test_ref_into_an_embedded_resource(space: Workspace, tmp_path: Path) -> None:
    """Ajv overflowed its stack on a $ref into an embedded $id resource (suite
    ref.json#16): the bundle names the target by file URI and JSON pointer."""
    schema = {
        "$schema": DRAFT,
        "$id": "http://example.com/outer.json",
        "properties": {
            "foo": {
                "$id": "http://example.com/inner.json",
                "$defs": {"bar": {"properties": {"bar": {"type": "string"}}}},
                "$ref": "#/$defs/bar",
            }
        },
        "$ref": "inner.json",
    }
    expected = [({"foo": {"bar": 1}, "bar": "a"}, False),
                ({"foo": {"bar": "a"}, "bar": 1}, False),
                ({"foo": {"bar": "a"}, "bar": "a"}, True)]  # fmt: skip
    agree(space, tmp_path, "nl_embedded", {"a.json": schema}, "a.json", expected)


def test_dynamic_ref_extends_a_recursive_schema(
    space: Workspace, tmp_path: Path
) -> None:
    """The tree / strict-tree pattern: the $dynamicRef in tree.json resolves to
    strict_tree.json when evaluation started there, to tree.json otherwise."""
    tree = {
        "$schema": DRAFT,
        "$id": "https://example.com/tree.json",
        "$dynamicAnchor": "node",
        "type": "object",
        "properties": {
            "children": {"type": "array", "items": {"$dynamicRef": "#node"}}
        },
        "$defs": {"x-dynamic-scope-0": {"type": "null"}},  # the copy takes another
    }
    strict = {
        "$schema": DRAFT,
        "$id": "https://example.com/strict_tree.json",
        "$dynamicAnchor": "node",
        "$ref": "tree.json",
        "unevaluatedProperties": False,
    }
    files = {"tree.json": tree, "strict_tree.json": strict}
    pkg = build(space, tmp_path, "nl_tree", files)
    assert isinstance(pkg, Package), pkg
    bundle = pkg.files["ts/_schemas.js"].decode()
    assert "$dynamicRef" not in bundle and "x-dynamic-scope-1" in bundle
    typo = {"children": [{"daat": 1}]}
    got = verdicts([(pkg, "strict_tree.json", [typo, {"children": [{}]}]),
                    (pkg, "tree.json", [typo, {"children": [1]}])])  # fmt: skip
    assert [(py[:7], js[:7]) for _, _, py, js in got] == [
        ("invalid", "invalid"), ("valid", "valid"),
        ("valid", "valid"), ("invalid", "invalid"),
    ]  # fmt: skip


def test_dynamic_ref_with_several_paths(space: Workspace, tmp_path: Path) -> None:
    """The same $dynamicRef resolves differently on two paths (suite
    dynamicRef.json#11): the generic list is copied for each dynamic scope."""
    schema = {
        "$schema": DRAFT,
        "$id": "https://example.com/main",
        "if": {"properties": {"kind": {"const": "numbers"}}, "required": ["kind"]},
        "then": {"$ref": "numberList"},
        "else": {"$ref": "stringList"},
        "$defs": {
            "genericList": {
                "$id": "genericList",
                "properties": {"list": {"items": {"$dynamicRef": "#itemType"}}},
                "$defs": {"defaultItemType": {"$dynamicAnchor": "itemType"}},
            },
            "numberList": {
                "$id": "numberList",
                "$defs": {"itemType": {"$dynamicAnchor": "itemType", "type": "number"}},
                "$ref": "genericList",
            },
            "stringList": {
                "$id": "stringList",
                "$defs": {"itemType": {"$dynamicAnchor": "itemType", "type": "string"}},
                "$ref": "genericList",
            },
        },
    }
    expected = [({"kind": "numbers", "list": [1.1]}, True),
                ({"kind": "numbers", "list": ["foo"]}, False),
                ({"kind": "strings", "list": ["foo"]}, True),
                ({"kind": "strings", "list": [1.1]}, False)]  # fmt: skip
    agree(space, tmp_path, "nl_paths", {"main.json": schema}, "main.json", expected)


def test_static_dynamic_ref_is_a_ref(space: Workspace, tmp_path: Path) -> None:
    """A $dynamicRef whose target cannot depend on the dynamic scope (suite
    dynamicRef.json#0: Ajv resolved it to the root) is bundled as a $ref."""
    schema = {
        "$schema": DRAFT,
        "$id": "https://example.com/root",
        "type": "array",
        "items": {"$dynamicRef": "#items"},
        "$defs": {"foo": {"$dynamicAnchor": "items", "type": "string"}},
    }
    expected = [(["foo", "bar"], True), (["foo", 42], False)]
    agree(space, tmp_path, "nl_static", {"a.json": schema}, "a.json", expected)


def test_if_picks_a_variant(space: Workspace, tmp_path: Path) -> None:
    """`if` over a property the schema always evaluates (the usual variant
    switch) compiles with unevaluatedProperties: Ajv's miscounting of `if` is
    harmless when the names are evaluated anyway."""
    schema = {
        "$schema": DRAFT,
        "type": "object",
        "properties": {"kind": {"enum": ["a", "b"]}, "size": {"type": "integer"},
                       "color": {"type": "string"}},
        "required": ["kind"],
        "if": {"properties": {"kind": {"const": "a"}}},
        "then": {"required": ["size"]},
        "else": {"required": ["color"]},
        "unevaluatedProperties": False,
    }  # fmt: skip
    expected = [({"kind": "a", "size": 1}, True), ({"kind": "a"}, False),
                ({"kind": "b", "color": "x"}, True),
                ({"kind": "b", "color": "x", "extra": 1}, False)]  # fmt: skip
    agree(space, tmp_path, "nl_variant", {"a.json": schema}, "a.json", expected)


EXACT: dict[str, tuple[dict[str, Any], list[tuple[Any, bool]]]] = {
    "unevaluated-contains": (
        {"prefixItems": [True], "contains": {"type": "string"},
         "unevaluatedItems": False},
        [([1, "a"], True), ([1, 2], False), ([1, "a", "b"], True),
         ([1, "a", 2], False)],
    ),
    "unevaluated-if": (
        {"if": {"properties": {"foo": {"const": "then"}}, "required": ["foo"]},
         "else": {"properties": {"baz": {"type": "string"}}, "required": ["baz"]},
         "unevaluatedProperties": False},
        [({"foo": "then"}, True), ({"baz": "x"}, True), ({"foo": "else"}, False),
         ({"foo": "then", "baz": "x"}, False), ({"baz": "x", "extra": 1}, False)],
    ),
    "unevaluated-conditional": (
        {"unevaluatedItems": {"type": "boolean"},
         "anyOf": [{"items": {"type": "string"}}, True]},
        [(["a"], True), ([True], True), ([1], False), (["a", 1], False)],
    ),
}  # fmt: skip


@pytest.mark.parametrize("code", sorted(EXACT))
def test_exact_engine(space: Workspace, tmp_path: Path, code: str) -> None:
    """Shapes Ajv gets wrong (suite unevaluatedItems.json#21, #8,
    unevaluatedProperties.json#15) were refused; their files are now marked for
    cfworker in the bundle and both runtimes give the suite's verdicts."""
    schema, expected = EXACT[code]
    files = {"a.json": {"$schema": DRAFT, **schema}}
    name = f"nl_{code.replace('-', '_')}"
    pkg = build(space, tmp_path, name, files)
    assert isinstance(pkg, Package), pkg
    assert 'engine: "cfworker"' in pkg.files["ts/_schemas.js"].decode()
    reference = jsonschema.Draft202012Validator(files["a.json"])
    assert [reference.is_valid(d) for d, _ in expected] == [w for _, w in expected]
    agree(space, tmp_path, name, files, "a.json", expected)


def test_exact_pattern_properties(space: Workspace, tmp_path: Path) -> None:
    """cfworker runs patternProperties with V8's RegExp: a pattern not proven
    linear there is refused in a contract on that engine, at the pattern; an
    anchored deterministic one, or a short unanchored one, compiles."""

    def schema(pattern: str) -> dict[str, Any]:
        return {"$schema": DRAFT,
                "anyOf": [{"patternProperties": {pattern: True}},
                          {"required": ["a"], "properties": {"a": True}}],
                "unevaluatedProperties": False}  # fmt: skip

    refused = build(space, tmp_path, "nl_pp_bad", {"a.json": schema("a+b")})
    assert isinstance(refused, Refusal)
    [error] = refused.errors
    assert (error.code, error.pointer) == (
        "exact-pattern-properties",
        "/anyOf/0/patternProperties/a+b",
    )
    assert error.hint
    for name, pattern in (("nl_pp_anchored", "^x-"), ("nl_pp_short", "x-")):
        expected = [({"a": 1}, True), ({"x-b": 1}, True), ({"b": 1}, False)]
        agree(space, tmp_path, name, {"a.json": schema(pattern)}, "a.json", expected)


# -- random unevaluated* schemas ------------------------------------------------------


class Shapes:
    """Random schemas around one unevaluated* keyword: evaluating keywords of its
    kind below allOf/anyOf/oneOf/not/if/then/else/$ref, nested up to 3 deep."""

    def __init__(self, rnd: random.Random, items: bool) -> None:
        self.rnd = rnd
        self.items = items

    def leaf(self) -> Any:
        return self.rnd.choice([True, False, {}, {"const": 1}, {"type": "string"}])

    def atom(self, depth: int) -> dict[str, Any]:
        r, leaf = self.rnd, self.leaf
        makers: list[Callable[[], dict[str, Any]]]
        if self.items:
            makers = [
                lambda: {"prefixItems": [leaf() for _ in range(r.randint(1, 2))]},
                lambda: {"items": leaf()},
                lambda: {"prefixItems": [leaf()], "items": leaf()},
                lambda: {"contains": leaf(), "minContains": r.randint(0, 1)},
                lambda: {"unevaluatedItems": leaf()},
                lambda: {"minItems": r.randint(0, 2)},
            ]  # fmt: skip
            return r.choice(makers)()
        makers = [
            lambda: {"properties": {r.choice("ab"): leaf()}},
            lambda: {"patternProperties": {"^b": leaf()}},
            lambda: {"additionalProperties": leaf()},
            lambda: {"unevaluatedProperties": leaf()},
            lambda: {"dependentSchemas": {"c": self.schema(depth + 1, False)}},
            lambda: {"properties": {"a": leaf(), "c": leaf()}, "required": ["c"]},
        ]  # fmt: skip
        return r.choice(makers)()

    def schema(self, depth: int = 0, refs: bool = True) -> Any:
        r = self.rnd
        if depth >= 3 or r.random() < 0.35:
            return self.atom(depth)
        kids = [self.schema(depth + 1, refs) for _ in range(r.randint(1, 3))]
        choice = r.randrange(7)
        if choice < 3:
            return {
                ("allOf", "anyOf", "oneOf")[choice]: kids + [True] * (r.random() < 0.2)
            }
        if choice == 3:
            return {"not": kids[0]}
        if choice == 4:
            return {"if": kids[0], **({"then": kids[-1]} if r.random() < 0.6 else {})}
        if choice == 5 and refs:
            return {"$ref": "#/$defs/x"}
        return {**self.atom(depth), **kids[0]}

    def top(self) -> dict[str, Any]:
        keyword = "unevaluatedItems" if self.items else "unevaluatedProperties"
        last = self.rnd.choice([False, {"const": 1}])
        return {"$schema": DRAFT, "$defs": {"x": self.schema(1, False)},
                **self.schema(), keyword: last}  # fmt: skip

    def instances(self) -> list[Any]:
        r = self.rnd
        values = [1, 2, "x"]
        if self.items:
            return [[r.choice(values) for _ in range(n)] for n in (0, 1, 2, 3, 2, 3)]
        keys = ["a", "b", "bb", "c"]
        return [
            {k: r.choice(values) for k in r.sample(keys, n)} for n in (0, 1, 2, 3, 4, 2)
        ]


@pytest.mark.parametrize("family", ["items", "properties"])
def test_random_unevaluated_schemas(
    space: Workspace, tmp_path: Path, family: str
) -> None:
    rnd = random.Random(f"node-limits-{family}")
    shapes = Shapes(rnd, family == "items")
    count = int(os.environ.get("NODE_LIMITS_SCHEMAS", "100"))
    cases, expected, exact = [], [], 0
    for i in range(count):
        schema = shapes.top()
        result = build(space, tmp_path, f"nl_{family}_{i}", {"case.json": schema})
        assert isinstance(result, Package), result.errors
        exact += 'engine: "cfworker"' in result.files["ts/_schemas.js"].decode()
        docs = shapes.instances()
        reference = jsonschema.Draft202012Validator(schema)
        cases.append((result, "case.json", docs))
        expected += [(schema, reference.is_valid(d)) for d in docs]
    wrong = [
        (json.dumps(schema), json.dumps(doc), want, py, js)
        for (_, doc, py, js), (schema, want) in zip(
            verdicts(cases), expected, strict=True
        )
        if py.startswith("valid") != want or js.startswith("valid") != want
    ]
    print(f"\n{family}: {len(cases)} compiled, {exact} of them on cfworker")
    assert 0 < exact < len(cases), "the sample must reach both engines"
    assert not wrong, "\n".join(map(str, wrong[:5]))


def test_exact_engine_lone_surrogate_name(space: Workspace, tmp_path: Path) -> None:
    """cfworker writes each property's place as a URI, which a name holding a lone
    surrogate cannot be: the message is refused (as Python refuses its text), not
    a crash."""
    schema = {"$schema": DRAFT, "if": {"properties": {"a": {"const": 1}}},
              "then": {"properties": {"b": True}},
              "unevaluatedProperties": {"type": "integer"}}  # fmt: skip
    pkg = build(space, tmp_path, "nl_surrogate", {"a.json": schema})
    assert isinstance(pkg, Package), pkg
    texts = ['{"\\ud800": 1}', '{"x\\ud800": "s"}']
    node = start_node([NodeItem(pkg.ts, "a.json", t) for t in texts], 1).result()
    for text, js in zip(texts, node, strict=True):
        python = python_verdict(pkg.name, "a.json", text)
        assert (python.valid, js.valid) == (False, False), (text, js.show())
        assert "lone surrogate" in js.show()


def test_exact_engine_keeps_the_runtime_semantics(
    space: Workspace, tmp_path: Path
) -> None:
    """On the cfworker engine, formats are the runtime's (an unknown one is an
    annotation), patterns have ECMA-262's meaning through the linear-time engine,
    multipleOf is decimal, and JSON text beyond the depth limit is refused: as on
    the Ajv path and in Python."""
    schema = {
        "$schema": DRAFT,
        "properties": {
            "at": {"format": "date-time"},
            "price": {"multipleOf": 0.01},
            "code": {"pattern": "^[a-z]\\d$", "format": "color"},
            "deep": {},
        },
        "if": {"properties": {"kind": {"const": "x"}}, "required": ["kind"]},
        "then": {"properties": {"extra": True}},
        "unevaluatedProperties": False,
    }
    files = {"a.json": schema}
    pkg = build(space, tmp_path, "nl_semantics", files)
    assert isinstance(pkg, Package), pkg
    assert 'engine: "cfworker"' in pkg.files["ts/_schemas.js"].decode()
    expected = [
        ({"at": "2026-12-04T05:00:00Z"}, True),
        ({"at": "2026-02-30T05:00:00Z"}, False),  # no Feb 30
        ({"price": 19.99}, True),  # decimal
        ({"price": 0.035}, False),
        ({"code": "a1"}, True),
        ({"code": "a\u0661"}, False),  # \d is ASCII-only
        ({"code": "a1\n"}, False),  # $ is the very end
        ({"kind": "x", "extra": 1}, True),
        ({"kind": "y", "extra": 1}, False),
    ]
    agree(space, tmp_path, "nl_semantics", files, "a.json", expected)
    deep = json.dumps({"deep": json.loads("[" * 70 + "]" * 70)})
    [node] = start_node([NodeItem(pkg.ts, "a.json", deep)], 1).result()
    python = python_verdict(pkg.name, "a.json", deep)
    assert (
        node.show()
        == python.show()
        == ("invalid (/: expected nesting depth at most 64, got depth 71)")
    )


LEAKS = [
    # cfworker handed `then` the evaluated set of its parent's `if`: the inner
    # unevaluatedItems saw items 0 and 1 as evaluated (found by the random test).
    (
        {"if": {"oneOf": [
            {"if": {"prefixItems": [{"type": "string"}], "items": {}},
             "then": {"contains": False, "minContains": 0}},
            {"minItems": 2, "prefixItems": [{"const": 1}], "items": {"type": "string"}},
        ]},
         "then": {"unevaluatedItems": {"const": 1}, "contains": {"const": 1},
                  "minContains": 0},
         "unevaluatedItems": {"const": 1}},
        [(["x", 1], False), ([1, 1], True)],
    ),
    # ... and a dependentSchemas subschema what its parent evaluated (found by the
    # random test too).
    (
        {"dependentSchemas": {"c": {"dependentSchemas": {"c": {"oneOf": [
            {"patternProperties": {"^b": {}}},
            {"dependentSchemas": {"c": {"unevaluatedProperties": {"type": "string"}}}},
            {"properties": {"a": True, "c": {"type": "string"}}, "required": ["c"]},
        ]}}}},
         "oneOf": [{"anyOf": [{"additionalProperties": {}}]}],
         "unevaluatedProperties": False},
        [({"b": "x", "a": 2, "c": 2}, True), ({"b": "x", "c": "s"}, False)],
    ),
    # A $ref into a schema the engine scopes (OpenAPI's parameter styles).
    (
        {"$defs": {"p": {"properties": {"x": {"type": "string"}},
                         "unevaluatedProperties": False}},
         "properties": {"y": {"$ref": "#/$defs/p/properties/x"}},
         "allOf": [{"$ref": "#/$defs/p"}]},
        [({"x": "s"}, True), ({"x": "s", "y": 1}, False), ({"y": "t"}, False)],
    ),
]  # fmt: skip


@pytest.mark.parametrize("case", range(len(LEAKS)))
def test_exact_engine_scopes_each_unevaluated(
    space: Workspace, tmp_path: Path, case: int
) -> None:
    """Each unevaluated* sees only what its own schema evaluated (_exact.ts gives
    it a scope of its own), and a $ref into such a schema still resolves."""
    schema, expected = LEAKS[case]
    files = {"a.json": {"$schema": DRAFT, **schema}}
    reference = jsonschema.Draft202012Validator(files["a.json"])
    assert [reference.is_valid(d) for d, _ in expected] == [w for _, w in expected]
    agree(space, tmp_path, f"nl_leak_{case}", files, "a.json", expected)
