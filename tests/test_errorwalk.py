"""runtime._errorwalk words what jsonschema words, in the same order.

The refusal path asks for the violations of a value at many schema locations (a
union report asks about every branch). runtime/_errorwalk.py finds them by a walk
of its own where it follows jsonschema step by step, and gives up where it does
not (then jsonschema is asked, as before). Here, at every location of each golden
case's schemas and of a schema that holds every keyword the walk follows, for
the samples and their one-place mutations, the walk's violations are compared
with those ``from_jsonschema`` words from FullCheck's validator, while one message
is worded (as the runtime asks): the same list, or no answer.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from referencing import Anchor
from referencing.jsonschema import DynamicAnchor
from referencing.typing import Anchor as AnchorType

from codegen.api import generate_to
from codegen.emit import Settings
from runtime import Contracts
from runtime._fastcheck import subschemas
from runtime._violation_text import from_jsonschema
from tests.conftest import GOLDEN, ROOT, package_name, sample_cases
from tests.test_wording_speed import _mutations

DRAFT7 = "http://json-schema.org/draft-07/schema#"
DRAFT2020 = "https://json-schema.org/draft/2020-12/schema"


def _locations(contracts: Contracts) -> list[str]:
    """Every subschema of every schema file, as a contract (``file#pointer``)."""
    full = contracts.full_checker
    return [
        f"{path}#{quote(pointer, safe='/~$!&()*+,;=:@')}" if pointer else path
        for path, document in full.documents.items()
        for pointer, _ in subschemas(document)
    ]


def _agree(contracts: Contracts, instances: list[Any]) -> tuple[int, int]:
    """How many (location, value) pairs the walk worded and how many it left to
    jsonschema; asserts the walk's words are jsonschema's wherever it answers."""
    walk = contracts.walk
    assert walk is not None
    walked = left = 0
    differ = []
    for contract in _locations(contracts):
        validator = contracts.full_checker.validator(contract)
        for instance in instances:
            for keywords in (None, frozenset({"required", "oneOf"})):
                with contracts.remembering():
                    words = walk.violations(contract, instance, keywords)
                    errors = validator.iter_errors(instance)
                    expected = from_jsonschema(errors, keywords, None)
                if words is None:
                    left += 1
                    continue
                walked += 1
                if words != expected:
                    differ.append(f"{contract} {json.dumps(instance)[:200]}")
    assert not differ, f"{len(differ)} differ:\n" + "\n".join(differ[:10])
    return walked, left


def _same_registry(contracts: Contracts) -> int:
    """Asserts the walk's registry (runtime/_walk_uris.py), crawled, holds what
    referencing's registry of the full check holds, crawled: the same contents
    under the same URIs and anchors; how many URIs."""
    walk = contracts.walk
    assert walk is not None
    ours = walk.registry
    assert ours.crawl()
    theirs = contracts.full_checker.registry.crawl()
    assert set(ours.resources) == set(theirs)
    for uri, (contents, spec) in ours.resources.items():
        resource = theirs[uri]
        assert contents == resource.contents, uri
        assert spec.legacy == (resource._specification.name == "draft-07"), uri
    anchors = {k: _anchored(v) for k, v in theirs._anchors.items()}
    assert ours.anchors == anchors
    return len(ours.resources)


def _anchored(anchor: AnchorType[Any]) -> Any:
    """The contents of an anchor's resource (referencing's anchors are of two kinds;
    its protocol for them has no ``resource``)."""
    assert isinstance(anchor, Anchor | DynamicAnchor), anchor
    return anchor.resource.contents


def _instances(samples: list[Any], most: int = 120) -> list[Any]:
    found = [m for s in samples for m in _mutations(s)]
    return found[:: max(1, len(found) // most)]


# Golden cases the walk does not go through: their schemas reach the meta-schema
# (dynamic references).
UNWALKED = frozenset({"meta_schema_refs"})


def _unwalked(case: Path, contracts: Contracts) -> bool:
    """Whether the walk stays out of this case's package, as UNWALKED says it must
    (a case leaving or joining that set fails here, instead of being skipped)."""
    assert (contracts.walk is None) == (case.name in UNWALKED), (
        case.name,
        "walked" if contracts.walk is not None else "not walked",
    )
    return contracts.walk is None


@pytest.mark.parametrize("case", sample_cases(), ids=lambda p: p.name)
def test_golden_cases_are_worded_alike(
    case: Path, tmp_path: Path, clean_modules: None
) -> None:
    package = package_name(case)
    generate_to(case / "schemas", tmp_path, Settings(python_package=package))
    sys.path.insert(0, str(tmp_path / "python"))
    contracts = Contracts(package)
    if _unwalked(case, contracts):
        return  # jsonschema words this package, as it did before the walk
    samples = json.loads((case / "samples.json").read_text())
    walked, _ = _agree(contracts, _instances([s["data"] for s in samples], 40))
    assert walked > 0
    assert _same_registry(contracts) > 0


ITEM = {
    "type": "object",
    "required": ["kind", "size"],
    "properties": {
        "kind": {"const": "item"},
        "size": {"type": "integer", "minimum": 1, "maximum": 9},
        "tags": {
            "type": "array",
            "items": {"type": "string", "maxLength": 3},
            "maxItems": 2,
            "uniqueItems": True,
        },
        "when": {"type": "string", "format": "date"},
        "ratio": {"type": ["number", "null"], "multipleOf": 0.5},
    },
    "additionalProperties": False,
}
NOTE = {
    "type": "object",
    "required": ["kind", "text"],
    "properties": {
        "kind": {"enum": ["note", "memo"]},
        "text": {"type": "string", "minLength": 1, "pattern": "^[a-z ]+$"},
    },
    "patternProperties": {"^x-": {"type": "integer"}},
    "additionalProperties": {"type": "boolean"},
}
DRAFT7_FILE = {
    "$schema": DRAFT7,
    "type": "object",
    "required": ["entries", "pair"],
    "properties": {
        "entries": {
            "type": "array",
            "items": {
                "oneOf": [
                    {"$ref": "#/definitions/item"},
                    {"$ref": "#/definitions/note"},
                ]
            },
        },
        "pair": {
            "type": "array",
            "items": [{"type": "integer"}, {"enum": [1, 1.5, True, None]}],
        },
        "either": {"anyOf": [{"type": "string"}, {"$ref": "#/definitions/item"}]},
        "both": {
            "allOf": [{"required": ["a"]}, {"properties": {"a": {"type": "null"}}}]
        },
        "legacy": {"$ref": "#/definitions/legacy"},
        "other": {"$ref": "other.json#/$defs/point"},
        "nothing": False,
        "anything": True,
        "unlike": {"not": {"type": "string"}, "maximum": 5},
        "never": {"not": True},
        "when": {
            "if": {"required": ["kind"], "properties": {"kind": {"const": "a"}}},
            "then": {"required": ["a"]},
            "else": {"$ref": "#/definitions/item"},
        },
        "unless": {"if": False, "then": False, "else": {"type": "object"}},
        "odd": {"$ref": "other.json#/$defs/odd"},
        "deps": {"$ref": "other.json#/$defs/deps"},
        # contains (drafts 6 and 7: one error when no item is valid) and
        # propertyNames (each name's errors, at the object).
        "has": {"contains": {"type": "string", "maxLength": 2}},
        "names": {"propertyNames": {"pattern": "^[a-z]+$", "maxLength": 3}},
        "nonames": {"propertyNames": False},
        "counted": {"$ref": "other.json#/$defs/counted"},
        "some": {"$ref": "other.json#/$defs/some"},
        "named": {"$ref": "other.json#/$defs/named"},
        # dependencies (a list: the names; else a subschema) and additionalItems
        # (beside an items list; nothing beside one schema).
        "needs": {
            "dependencies": {
                "a": ["b"],
                "c": {"required": ["d", "g"], "properties": {"d": {"type": "integer"}}},
                "e": True,
                "f": False,
            }
        },
        "tuple": {"items": [{"type": "integer"}], "additionalItems": {"maxLength": 1}},
        "closed": {
            "items": [{"type": "integer"}, {"type": "string"}],
            "additionalItems": False,
        },
        "open": {"items": {"type": "integer"}, "additionalItems": False},
    },
    "definitions": {
        "item": ITEM,
        "note": NOTE,
        # A subschema that names its draft: jsonschema's own keywords there.
        "legacy": {
            "$schema": DRAFT7,
            "type": "object",
            "properties": {"n": {"type": "integer"}},
            "patternProperties": {"^x-": {"type": "string"}},
            "additionalProperties": False,
            "propertyNames": {"maxLength": 3},
        },
    },
}
OTHER_FILE = {
    "$schema": DRAFT2020,
    "$defs": {
        "point": {
            "type": "array",
            "prefixItems": [{"type": "number"}, {"type": "number"}],
            "items": False,
            "minItems": 2,
        },
        "shape": {
            "$ref": "#/$defs/point",
            "maxItems": 2,
            "oneOf": [{"type": "array"}, {"minItems": 1}],
        },
        "deps": {"dependentRequired": {"a": ["b", "c"], "d": []}},
        # 2020-12's contains: minContains and maxContains beside it.
        "counted": {
            "type": "array",
            "contains": {"const": 1},
            "minContains": 2,
            "maxContains": 3,
        },
        "some": {"contains": {"type": "integer"}},
        "named": {"propertyNames": {"minLength": 2, "not": {"const": "no"}}},
        "depschemas": {
            "dependentSchemas": {
                "a": {"required": ["b", "g"]},
                "c": False,
                "e": {"properties": {"e": {"maximum": 1}}},
            }
        },
        "odd": {
            "if": {"$ref": "#/$defs/point"},
            "then": {"not": {"prefixItems": [{"const": 0}]}},
        },
    },
}
# The same values read by 2020-12's classes (from main.json, draft 7's apply).
MODERN_FILE = {
    "$schema": DRAFT2020,
    "type": "object",
    "properties": {
        "counted": {"$ref": "other.json#/$defs/counted"},
        "some": {"$ref": "other.json#/$defs/some"},
        "named": {"$ref": "other.json#/$defs/named"},
        "names": {"propertyNames": {"pattern": "^[a-z]+$", "maxLength": 3}},
        "needs": {"$ref": "other.json#/$defs/depschemas"},
    },
}
SAMPLE = {
    "entries": [
        {"kind": "item", "size": 3, "tags": ["a", "b"], "when": "2024-01-31"},
        {"kind": "note", "text": "hello", "x-n": 1, "flag": True},
    ],
    "pair": [1, 1.5],
    "either": {"kind": "item", "size": 2},
    "both": {"a": None},
    "legacy": {"n": 1, "x-y": "z"},
    "other": [1, 2.5],
    "anything": [1],
    "unlike": 3,
    "when": {"kind": "a", "a": 1},
    "unless": {},
    "odd": [1, 2],
    "deps": {"a": 1, "b": 2, "c": 3},
    "has": [1, "ab"],
    "names": {"ab": 1, "cd": 2},
    "nonames": {},
    "counted": [1, 1, 0],
    "some": [1, "x"],
    "named": {"ab": 1},
    "needs": {"a": 1, "b": 2, "c": 1, "d": 3, "e": 0},
    "tuple": [1, "x"],
    "closed": [1, "a"],
    "open": [1],
}
ODD = [
    {
        **SAMPLE,
        "entries": [
            {"kind": "item", "size": 1.0, "ratio": 2.5},
            {"kind": "memo", "text": "A"},
        ],
    },
    {**SAMPLE, "pair": [True, 1.0], "legacy": {"q": 1, "x-a": 2}, "other": [1, 2, 3]},
    {
        **SAMPLE,
        "entries": [
            {"kind": "item", "size": 2, "tags": ["aa", "aa", "abcd"], "when": "x"}
        ],
    },
    {**SAMPLE, "nothing": 1, "entries": "no", "either": 3},
    {**SAMPLE, "unlike": "x", "never": 1, "when": {"kind": "b"}, "unless": 1},
    {**SAMPLE, "when": {"kind": "item", "size": 1}, "odd": [0, 1], "deps": {"a": 1}},
    {
        **SAMPLE,
        "has": [1, "abc"],
        "names": {"Ab": 1, "abcd": 2, "x": 3},
        "nonames": {"a": 1},
        "counted": [1, 1, 1, 1],
        "some": [],
        "named": {"a": 1, "no": 2},
        "legacy": {"n": 1, "long": 2},
    },
    {**SAMPLE, "counted": [1, 0], "has": "x", "names": [1], "some": ["x"]},
    {**SAMPLE, "counted": [0], "has": [], "named": {}},
    {**SAMPLE, "counted": [1, 1, 1], "some": [0.5, "x"]},
    {**SAMPLE, "some": [1, 2, 3], "named": {"ab": 1, "n": 2, "no": 3}},
    {
        **SAMPLE,
        "needs": {"a": 1, "c": 1, "d": "x", "e": 5, "f": 1},
        "tuple": [1, "ab", "y", "cde"],
        "closed": [1, "a", 2, 3],
        "open": [1, 2],
    },
    {**SAMPLE, "needs": {"c": 2, "e": 1}, "tuple": "x", "closed": [], "open": "x"},
    {**SAMPLE, "needs": [1], "tuple": [1], "closed": [1, "a", None]},
]


def test_every_walked_keyword_is_worded_alike(
    tmp_path: Path, clean_modules: None
) -> None:
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "main.json").write_text(json.dumps(DRAFT7_FILE))
    (schemas / "other.json").write_text(json.dumps(OTHER_FILE))
    (schemas / "modern.json").write_text(json.dumps(MODERN_FILE))
    generate_to(schemas, tmp_path, Settings(python_package="walk_all"))
    sys.path.insert(0, str(tmp_path / "python"))
    contracts = Contracts("walk_all")
    # The odd values themselves too (the mutations are a sample).
    instances = [*_instances([SAMPLE, *ODD], 250), *ODD]
    walked, left = _agree(contracts, instances)
    # The walk goes everywhere here: no keyword it leaves to jsonschema.
    assert left == 0
    assert walked == 2 * len(_locations(contracts)) * len(instances)


# Subschemas with an $id of their own (AsyncAPI names each definition so): a
# reference resolves from the base URI its nearest $id gives, as referencing
# resolves it. Each reference below would find another target (or none) if the
# walk took the wrong base: "#/$defs/name" and "#/definitions/k" exist at the
# root and in the subschema, with other constraints.
IDS_FILE = {
    "$schema": DRAFT2020,
    "$id": "https://example.com/root/ids.json",
    "type": "object",
    "properties": {
        # By the subschema's absolute $id; relative to the root's, with a pointer
        # inside the subschema; a pointer through an $id (the base moves there).
        "a": {"$ref": "https://example.com/root/inner/a.json"},
        "b": {"$ref": "inner/a.json#/$defs/name"},
        "c": {"$ref": "#/$defs/nested/properties/x"},
        # Anchors: the root's, and one inside a subschema with an $id.
        "d": {"$ref": "#tag"},
        "e": {"$ref": "inner/a.json#inner-tag"},
        # Descended into: "#/$defs/local" is this subschema's own.
        "f": {
            "$id": "other/f.json",
            "type": "object",
            "properties": {"g": {"$ref": "#/$defs/local"}},
            "$defs": {"local": {"type": "integer", "maximum": 3}},
        },
        "u": {
            "oneOf": [
                {"$ref": "inner/a.json"},
                {"$ref": "nested/sibling.json"},
                {"$ref": "#tag"},
            ]
        },
        "v": {"not": {"$ref": "inner/a.json#/$defs/name"}},
    },
    "$defs": {
        "a": {
            "$id": "inner/a.json",
            "type": "object",
            "required": ["n"],
            "not": {"required": ["n"], "properties": {"n": {"$ref": "#inner-tag"}}},
            "properties": {
                "n": {"$ref": "#/$defs/name"},
                "up": {"$ref": "../ids.json#/$defs/leaf"},
            },
            "$defs": {
                "name": {"type": "string", "minLength": 2},
                "t": {
                    "$anchor": "inner-tag",
                    "enum": ["x", "y", 1],
                    "allOf": [{"$ref": "#/$defs/flag"}],
                },
                "flag": {"type": "string"},
            },
        },
        "nested": {"$id": "nested/", "properties": {"x": {"$ref": "sibling.json"}}},
        "sib": {
            "$id": "nested/sibling.json",
            "type": "array",
            "items": {"type": "integer"},
        },
        "tagged": {"$anchor": "tag", "type": "string", "pattern": "^[a-z]+$"},
        "leaf": {"type": "boolean"},
        "name": {"type": "integer", "minimum": 10},
        "local": {"type": "string"},
        "flag": {"type": "integer"},
    },
}
# Draft 7: an $id "#name" is an anchor, and an $id beside a $ref is not read.
SEVEN_FILE = {
    "$schema": DRAFT7,
    "$id": "http://example.com/seven/main.json",
    "type": "object",
    "properties": {
        "p": {"$ref": "#point"},
        "q": {"$ref": "defs/q.json"},
        "r": {"$id": "defs/q.json", "$ref": "#/definitions/r"},
        "s": {"$ref": "http://example.com/seven/defs/q.json#/properties/k"},
        "t": {"anyOf": [{"$ref": "#point"}, {"$ref": "defs/q.json"}]},
        "w": {
            "if": {"properties": {"k": {"$ref": "#/definitions/k"}}},
            "then": {"$ref": "#/definitions/point"},
        },
    },
    "definitions": {
        "point": {
            "$id": "#point",
            "type": "object",
            "required": ["x"],
            "properties": {"x": {"type": "number"}},
        },
        "q": {
            "$id": "defs/q.json",
            "type": "object",
            "properties": {"k": {"$ref": "#/definitions/k"}},
            "if": {"required": ["k"]},
            "else": {"$ref": "#/definitions/r"},
            "definitions": {
                "k": {"type": "string", "maxLength": 2},
                "r": {"required": ["z"]},
            },
        },
        "r": {"type": "integer", "minimum": 0},
        "k": {"type": "integer"},
    },
}
IDS_SAMPLES = [
    {
        "a": {"n": "ab", "up": True},
        "b": "xy",
        "c": [1, 2],
        "d": "abc",
        "e": "x",
        "f": {"g": 2},
        "u": "abc",
        "v": "a",
    },
    {"p": {"x": 1}, "q": {"k": "ab"}, "r": 3, "s": "a", "t": {"x": 2}, "w": {"k": 1}},
    {
        "a": {"up": 1, "n": "a"},
        "b": 1,
        "c": [1, "x"],
        "d": "A",
        "e": "z",
        "f": {"g": 9},
        "u": {"n": 1},
        "v": "ab",
    },
    {"p": {}, "q": {"k": "abc"}, "r": -1, "s": "abc", "t": {"k": 5}, "w": {"k": []}},
    {"u": [1, "a"], "t": 5},
]


def test_references_resolve_from_each_subschemas_id(
    tmp_path: Path, clean_modules: None
) -> None:
    """Relative and absolute references to subschemas with their own $id, through
    them by JSON pointer, to anchors: the walk resolves each as referencing does
    (every one of these would be worded otherwise with a wrong base), and the
    union report's doomed_at rules out what FullCheck.doomed_at does."""
    from tests.test_union_prune import _branches

    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "ids.json").write_text(json.dumps(IDS_FILE))
    (schemas / "seven.json").write_text(json.dumps(SEVEN_FILE))
    generate_to(schemas, tmp_path, Settings(python_package="walk_ids"))
    sys.path.insert(0, str(tmp_path / "python"))
    contracts = Contracts("walk_ids")
    instances = _instances(IDS_SAMPLES, 400)
    walked, left = _agree(contracts, instances)
    assert left == 0
    assert walked == 2 * len(_locations(contracts)) * len(instances)
    assert _same_registry(contracts) == 2 * 2 + 5  # two URIs per file, 5 $ids
    walk, full = contracts.walk, contracts.full_checker
    assert walk is not None
    ruled_out = 0
    for path, pointer in _branches(full.documents):
        for instance in instances:
            doomed = walk.doomed_at(path, pointer, instance)
            assert doomed == full.doomed_at(path, pointer, instance)
            ruled_out += doomed
    assert ruled_out > 0


def test_a_keyword_the_walk_does_not_follow_is_left_to_jsonschema(
    tmp_path: Path, clean_modules: None
) -> None:
    schema = {
        "$schema": DRAFT2020,
        "type": "object",
        "properties": {
            "a": {"unevaluatedItems": {"type": "string"}},
            "b": {"type": "integer"},
        },
    }
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "has.json").write_text(json.dumps(schema))
    generate_to(tmp_path / "schemas", tmp_path, Settings(python_package="walk_has"))
    sys.path.insert(0, str(tmp_path / "python"))
    contracts = Contracts("walk_has")
    walk = contracts.walk
    assert walk is not None
    with contracts.remembering():
        # "unevaluatedItems" is met only when the value has an "a": the walk gives
        # up there.
        assert walk.violations("has.json", {"b": "x"}) is not None
        assert walk.violations("has.json", {"a": [1]}) is None
        assert walk.violations("has.json", {"b": "x"}) is None  # given up for good
        found = contracts.full_violations("has.json", {"a": [1], "b": "y"})
    assert [v.pointer for v in found] == ["/a", "/b"]


def test_the_tables_are_jsonschemas(tmp_path: Path, clean_modules: None) -> None:
    """The walk's keywords per draft are those of jsonschema's classes, and the
    keywords runtime._fullcheck applies its own way are the ones it overrides."""
    from jsonschema import validators

    from runtime._walk_keywords import (
        DRAFT7_KEYWORDS,
        DRAFT2020_KEYWORDS,
        OUR_KEYWORDS,
        THEIR_KEYWORDS,
    )

    assert set(validators.Draft7Validator.VALIDATORS) == DRAFT7_KEYWORDS
    assert set(validators.Draft202012Validator.VALIDATORS) == DRAFT2020_KEYWORDS
    package = package_name(GOLDEN / "unions")
    generate_to(
        GOLDEN / "unions" / "schemas", tmp_path, Settings(python_package=package)
    )
    sys.path.insert(0, str(tmp_path / "python"))
    drafts = Contracts(package).full_checker.drafts
    assert drafts.theirs is not None
    for draft in ("7", "2020-12"):
        for classes, expected in (
            (drafts, OUR_KEYWORDS),
            (drafts.theirs, THEIR_KEYWORDS),
        ):
            base = (
                validators.Draft7Validator
                if draft == "7"
                else validators.Draft202012Validator
            )
            cls = drafts[draft] if classes is drafts else classes[base]
            own = {
                k
                for k, fn in cls.VALIDATORS.items()
                if getattr(fn, "__module__", "") == "runtime._fullcheck"
            }
            assert own == expected, (draft, classes is drafts)


@pytest.mark.parametrize(
    "uri",
    [
        DRAFT7,
        DRAFT7.rstrip("#"),
        DRAFT2020,
        DRAFT2020 + "#",
        "http://json-schema.org/draft-04/schema#",
        "https://json-schema.org/draft/2019-09/schema",
        "http://json-schema.org/draft-07/schema#/x",
        "HTTP://json-schema.org/draft-07/schema#",
        "https://example.com/mine",
        "",
    ],
)
def test_a_named_draft_is_the_one_jsonschema_finds(uri: str) -> None:
    from jsonschema import validators

    from runtime._walk_keywords import draft_named

    names: dict[object, str] = {
        validators.Draft3Validator: "3", validators.Draft4Validator: "4",
        validators.Draft6Validator: "6", validators.Draft7Validator: "7",
        validators.Draft201909Validator: "2019-09",
        validators.Draft202012Validator: "2020-12",
    }  # fmt: skip
    unknown = object()
    # jsonschema returns any default as it is; its stub asks for a validator class.
    found = validators.validator_for({"$schema": uri}, default=unknown)  # type: ignore[arg-type]
    assert draft_named(uri) == (None if found is unknown else names[found])


def test_equal_is_jsonschemas() -> None:
    from jsonschema._utils import equal as theirs

    from runtime._walk_utils import equal

    values: list[Any] = [
        0, 1, 1.0, -0.0, True, False, None, "1", "", [], [1], [True], [1.0],
        {}, {"a": 1}, {"a": True}, {"a": 1.0}, {"b": 1}, [[1, {"a": [True]}]],
        [[1.0, {"a": [1]}]], (1,), 2**64, float(2**64),
    ]  # fmt: skip
    for one in values:
        for two in values:
            assert equal(one, two) == bool(theirs(one, two)), (one, two)


def test_uniq_is_jsonschemas() -> None:
    """uniqueItems' test is jsonschema's, sorting quirks included ([1], [True]
    and [1] sort as equal, so jsonschema finds no duplicate there)."""
    from jsonschema._utils import uniq as theirs

    from runtime._walk_utils import uniq

    items: list[Any] = [
        0, 1, 1.0, True, False, None, "1", "a", [], [1], [True], [1.0], {},
        {"a": 1}, {"a": True}, {"a": 1.0}, [[1, {"a": [True]}]], 2**64,
    ]  # fmt: skip
    lists: list[list[Any]] = [[], [True], [True, True], [[1], [True], [1]]]
    lists += [[one, two] for one in items for two in items]
    lists += [[one, two, one] for one in items for two in items]
    for each in lists:
        assert uniq(each) == bool(theirs(each)), each


def test_a_first_refusal_imports_no_jsonschema(tmp_path: Path) -> None:
    """In a fresh process, refusing a message that fails a union (every branch
    worded) imports neither jsonschema nor referencing: the walk words it."""
    package = package_name(GOLDEN / "unions")
    generate_to(
        GOLDEN / "unions" / "schemas", tmp_path, Settings(python_package=package)
    )
    samples = json.loads((GOLDEN / "unions" / "samples.json").read_text())
    refused = [s for s in samples if not s["valid"]]
    assert refused
    script = f"""
import json, sys
sys.path.insert(0, {str(tmp_path / "python")!r})
from runtime import Contracts, ContractViolation
contracts = Contracts({package!r})
words = []
for contract, data in json.loads(sys.argv[1]):
    try:
        contracts.get(contract).validate_python(data)
    except ContractViolation as exc:
        words.append(str(exc))
walked = bool(contracts.__dict__.get("walk") and contracts.walk._targets)
imported = [m in sys.modules for m in ("jsonschema", "referencing")]
print(json.dumps([len(words), walked, *imported]))
"""
    pairs = json.dumps([[s["contract"], s["data"]] for s in refused])
    done = subprocess.run(
        [sys.executable, "-c", script, pairs],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    # Every refusal worded; the walk asked (a union's branches); no jsonschema.
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == [len(refused), True, False, False]


@pytest.mark.parametrize("case", sample_cases(), ids=lambda p: p.name)
def test_the_walks_doomed_never_rules_out_a_valid_branch(
    case: Path, tmp_path: Path, clean_modules: None
) -> None:
    """The union report asks the walk's doomed_at (no jsonschema) where the
    package has a walk: a branch it rules out is one jsonschema finds invalid,
    and it rules out at least what FullCheck.doomed_at rules out; more where a
    branch is a union alone each of whose branches it rules out (AllFail)."""
    from runtime._fullcheck import FullCheck
    from tests.test_union_prune import _branches

    package = package_name(case)
    generate_to(case / "schemas", tmp_path, Settings(python_package=package))
    sys.path.insert(0, str(tmp_path / "python"))
    contracts = Contracts(package)
    if _unwalked(case, contracts):
        return  # no walk: the union report asks FullCheck.doomed_at alone
    walk = contracts.walk
    assert walk is not None
    full = contracts.full_checker
    plain = FullCheck(package, contracts.support, plain=True)
    samples = json.loads((case / "samples.json").read_text())
    ruled_out = more = 0
    for path, pointer in _branches(full.documents):
        where = path + "#" + quote(pointer, safe="/~$!&'()*+,;=:@")
        judge = plain.validator(where)
        for instance in _instances([s["data"] for s in samples], 60):
            doomed = walk.doomed_at(path, pointer, instance)
            by_full = full.doomed_at(path, pointer, instance)
            assert doomed or not by_full, (where, instance)
            if doomed:
                ruled_out += 1
                more += not by_full
                assert not judge.is_valid(instance), (where, instance)
    if case.name in ("unions", "unions_by_keys", "recursive"):
        assert ruled_out > 100  # it does rule branches out
    if case.name == "unions_by_keys":
        assert more > 0  # a union alone of tagged branches, ruled out whole
