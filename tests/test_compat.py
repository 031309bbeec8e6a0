"""``contracts breaking``: one small schema pair per row of the rules table.

Each case is an old and a new schema; the checker must report exactly the rules
listed, each breaking exactly the directions listed (``B``: backward, a reader on
the new schema refuses old data, "breaks old writers"; ``F``: forward, a reader
on the old schema refuses new data, "breaks old readers"). Where the reverse change
is meaningful, the pair is also run the other way round. Refactors give nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from codegen.checks.breaking.report import BreakingReport, check_breaking
from codegen.checks.breaking.rules import RULES

S2020 = "https://json-schema.org/draft/2020-12/schema"
D7 = "http://json-schema.org/draft-07/schema#"
STR: dict[str, Any] = {"type": "string"}
INT: dict[str, Any] = {"type": "integer"}
NUM: dict[str, Any] = {"type": "number"}
B, F, BF, NO = "B", "F", "BF", ""

Files = dict[str, Any]


def keywords(entries: dict[str, Any]) -> dict[str, Any]:
    """Schema keywords for ``**`` that are no Python names (``$defs``, ``if``)."""
    return entries


def obj(props: dict[str, Any], *required: str, closed: bool = True, **kw: Any) -> Any:
    """A contract file ``thing.v1.json``: an object with these properties."""
    doc: dict[str, Any] = {"$schema": S2020, "title": "Thing", "type": "object"}
    doc["properties"] = props
    if required:
        doc["required"] = list(required)
    if closed:
        doc["additionalProperties"] = False
    doc.update(kw)
    return doc


def prop(schema: Any, **kw: Any) -> Any:
    """A closed object whose property ``a`` has ``schema``."""
    return obj({"a": schema}, **kw)


def tagged(tag: str, **props: Any) -> Any:
    """A oneOf branch tagged by a required ``kind`` const (disjoint from others)."""
    return {
        "title": f"Branch{tag.capitalize()}",
        "type": "object",
        "required": ["kind"],
        "properties": {"kind": {"const": tag}, **props},
        "additionalProperties": False,
    }


LOOSE = {"type": "object", "properties": {"x": STR}}
WITH_Y = {"type": "object", "properties": {"y": STR}}
WITH_Z = {"type": "object", "properties": {"z": STR}}
ARR = {"type": "array", "items": STR}


def tup(*items: Any, closed: bool) -> Any:
    out: dict[str, Any] = {"type": "array", "prefixItems": list(items)}
    if closed:
        out["items"] = False
    return out


def defs(a: Any, **entries: Any) -> Any:
    return obj({"a": a}, **keywords({"$defs": entries}))


def write(folder: Path, files: Files | Any) -> None:
    if "$schema" in files:
        files = {"thing.v1.json": files}
    for name, doc in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(doc, indent=2))


def run(tmp: Path, old: Any, new: Any, mode: str | None = "full") -> BreakingReport:
    for side, files in (("old", old), ("new", new)):
        write(tmp / side, files)
    return check_breaking(tmp / "new", str(tmp / "old"), mode)


def found(report: BreakingReport) -> set[tuple[str, str]]:
    """(rule, directions broken as "B"/"F"/"BF"/"") for every finding."""
    out = set()
    for v in report.verdicts:
        dirs = "".join(
            sorted("B" if d == "backward" else "F" for d in v.finding.breaks)
        )
        out.add((v.finding.rule, dirs))
    return out


@dataclass
class Case:
    """Old -> new gives ``expect``; new -> old gives ``reverse`` (if given)."""

    row: str
    old: Any
    new: Any
    expect: set[tuple[str, str]]
    reverse: set[tuple[str, str]] | None = field(default=None)


CASES: dict[str, Case] = {
    "1-optional-added-closed": Case(
        "1",
        obj({"a": STR}),
        obj({"a": STR, "b": STR}),
        {("property-added-closed", F)},
        {("property-removed-closed", B)},
    ),
    "2-optional-added-open": Case(
        "2",
        obj({"a": STR}, closed=False),
        obj({"a": STR, "b": STR}, closed=False),
        {("property-added-open", B)},
        {("property-removed-open", F)},
    ),
    "2-added-where-additional-schema": Case(
        "2",
        obj({"a": STR}, closed=False, additionalProperties=STR),
        obj({"a": STR, "b": {**STR, "maxLength": 3}}, additionalProperties=STR),
        {("property-added-open", B)},
        {("property-removed-open", F)},
    ),
    "3-empty-schema-added-open": Case(
        "3",
        obj({"a": STR}, closed=False),
        obj({"a": STR, "b": {}}, closed=False),
        {("property-added-empty", NO)},
        {("property-removed-open", NO)},
    ),
    "4-required-added-closed": Case(
        "4",
        obj({"a": STR}),
        obj({"a": STR, "b": STR}, "b"),
        {("required-property-added", BF)},
        {("property-removed-closed", BF)},
    ),
    "4-required-added-open": Case(
        "4",
        obj({"a": STR}, closed=False),
        obj({"a": STR, "b": STR}, "b", closed=False),
        {("required-property-added", B)},
        {("property-removed-open", F)},
    ),
    "5-required-with-default-closed": Case(
        "5",
        obj({"a": STR}),
        obj({"a": STR, "b": {**STR, "default": "x"}}, "b"),
        {("required-property-added-with-default", BF)},
        {("property-removed-closed", BF)},
    ),
    "5-required-with-default-open": Case(
        "5",
        obj({"a": STR}, closed=False),
        obj({"a": STR, "b": {**STR, "default": "x"}}, "b", closed=False),
        {("required-property-added-with-default", B)},
    ),
    "6-removed-open": Case(
        "6",
        obj({"a": STR, "b": INT}, closed=False),
        obj({"a": STR}, closed=False),
        {("property-removed-open", F)},
        {("property-added-open", B)},
    ),
    "7-removed-closed": Case(
        "7",
        obj({"a": STR, "b": INT}),
        obj({"a": STR}),
        {("property-removed-closed", B)},
        {("property-added-closed", F)},
    ),
    "8-renamed": Case(
        "8",
        obj({"a": STR, "b": INT}),
        obj({"a": STR, "c": INT}),
        {("property-renamed", BF)},
        {("property-renamed", BF)},
    ),
    "8-renamed-open": Case(
        "8",
        obj({"a": STR, "b": INT}, "b", closed=False),
        obj({"a": STR, "c": INT}, "c", closed=False),
        {("property-renamed", BF)},
        {("property-renamed", BF)},
    ),
    "9-optional-to-required": Case(
        "9",
        obj({"a": STR}),
        obj({"a": STR}, "a"),
        {("property-made-required", B)},
        {("property-made-optional", F)},
    ),
    "10-required-to-optional": Case(
        "10",
        obj({"a": STR, "b": STR}, "a", "b"),
        obj({"a": STR, "b": STR}, "a"),
        {("property-made-optional", F)},
        {("property-made-required", B)},
    ),
    "11-additional-false-to-true": Case(
        "11",
        obj({"a": STR}),
        obj({"a": STR}, closed=False),
        {("additional-properties-widened", F)},
        {("additional-properties-narrowed", B)},
    ),
    "11-additional-schema-widened": Case(
        "11",
        obj({"a": STR}, additionalProperties=STR),
        obj({"a": STR}, additionalProperties={"type": ["string", "null"]}),
        {("type-widened", F)},
        {("type-narrowed", B)},
    ),
    "12-additional-true-to-false": Case(
        "12",
        obj({"a": STR}, closed=False),
        obj({"a": STR}, additionalProperties=False),
        {("additional-properties-narrowed", B)},
        {("additional-properties-widened", F)},
    ),
    "13-added-covered-by-pattern": Case(
        "13",
        obj({"a": STR}, patternProperties={"^x_": STR}),
        obj({"a": STR, "x_b": STR}, patternProperties={"^x_": STR}),
        {("pattern-covered-property-added", NO)},
        {("pattern-covered-property-removed", NO)},
    ),
    "13-added-narrower-than-pattern": Case(
        "13",
        obj({"a": STR}, patternProperties={"^x_": STR}),
        obj({"a": STR, "x_b": {**STR, "maxLength": 3}}, patternProperties={"^x_": STR}),
        {("pattern-covered-property-added", B)},
        {("pattern-covered-property-removed", F)},
    ),
    "13-pattern-added-to-closed": Case(
        "13",
        obj({"a": STR}),
        obj({"a": STR}, patternProperties={"^x_": STR}),
        {("pattern-properties-added", F)},
        {("pattern-properties-removed", B)},
    ),
    "13-pattern-changed": Case(
        "13",
        obj({"a": STR}, patternProperties={"^x_": STR}),
        obj({"a": STR}, patternProperties={"^y_": STR}),
        {("pattern-properties-changed", BF)},
    ),
    "14-reserved-dropped": Case(
        "14",
        obj({"a": STR}, **keywords({"x-reserved": ["old"]})),
        obj({"a": STR}),
        {("reserved-name-removed", BF)},
    ),
    "14-reserved-reused": Case(
        "14",
        obj({"a": STR}, **keywords({"x-reserved": ["old"]})),
        obj({"a": STR, "old": INT}, **keywords({"x-reserved": ["old"]})),
        {("reserved-name-reused", BF), ("property-added-closed", F)},
    ),
    "15-type-widened": Case(
        "15",
        prop(STR),
        prop({"type": ["string", "null"]}),
        {("type-widened", F)},
        {("type-narrowed", B)},
    ),
    "16-type-narrowed": Case(
        "16",
        prop({"type": ["string", "integer"]}),
        prop(INT),
        {("type-narrowed", B)},
        {("type-widened", F)},
    ),
    "17-type-changed": Case(
        "17",
        prop(STR),
        prop(INT),
        {("type-changed", BF)},
        {("type-changed", BF)},
    ),
    "18-integer-to-number": Case(
        "18",
        prop(INT),
        prop(NUM),
        {("integer-widened-to-number", F)},
        {("number-narrowed-to-integer", B)},
    ),
    "19-enum-value-added": Case(
        "19",
        prop({"enum": ["a", "b"]}),
        prop({"enum": ["a", "b", "c"]}),
        {("enum-value-added", F)},
        {("enum-value-removed", B)},
    ),
    "20-enum-value-removed": Case(
        "20",
        prop({**STR, "enum": ["a", "b"]}),
        prop({**STR, "enum": ["a"]}),
        {("enum-value-removed", B)},
        {("enum-value-added", F)},
    ),
    "20-enum-added": Case(
        "20",
        prop(STR),
        prop({**STR, "enum": ["a", "b"]}),
        {("enum-added", B)},
        {("enum-removed", F)},
    ),
    "21-enum-values-swapped": Case(
        "21",
        prop({"enum": ["a", "b"]}),
        prop({"enum": ["a", "c"]}),
        {("enum-values-changed", BF)},
        {("enum-values-changed", BF)},
    ),
    "22-const-added": Case(
        "22",
        prop(STR),
        prop({"const": "a"}),
        {("const-added", B)},
        {("const-removed", F)},
    ),
    "22-const-changed": Case(
        "22",
        prop({"const": "a"}),
        prop({"const": "b"}),
        {("const-changed", BF)},
        {("const-changed", BF)},
    ),
    "23-max-length-lowered": Case(
        "23",
        prop({**STR, "maxLength": 10}),
        prop({**STR, "maxLength": 5}),
        {("string-length-narrowed", B)},
        {("string-length-widened", F)},
    ),
    "23-min-length-added": Case(
        "23",
        prop(STR),
        prop({**STR, "minLength": 2}),
        {("string-length-narrowed", B)},
        {("string-length-widened", F)},
    ),
    "24-pattern-added": Case(
        "24",
        prop(STR),
        prop({**STR, "pattern": "^[a-z]+$"}),
        {("pattern-added", B)},
        {("pattern-removed", F)},
    ),
    "24-pattern-changed": Case(
        "24",
        prop({**STR, "pattern": "^[A-Z]{3}$"}),
        prop({**STR, "pattern": "^[A-Z]{3,4}$"}),
        {("pattern-changed", BF)},
        {("pattern-changed", BF)},
    ),
    "25-format-added": Case(
        "25",
        prop(STR),
        prop({**STR, "format": "uuid"}),
        {("format-added", B)},
        {("format-removed", F)},
    ),
    "25-format-changed": Case(
        "25",
        prop({**STR, "format": "date"}),
        prop({**STR, "format": "date-time"}),
        {("format-changed", BF)},
        {("format-changed", BF)},
    ),
    "25-content-encoding-added": Case(
        "25",
        prop(STR),
        prop({**STR, "contentEncoding": "base64"}),
        {("content-added", B)},
        {("content-removed", F)},
    ),
    "25-content-media-type-changed": Case(
        "25",
        prop({**STR, "contentMediaType": "text/csv"}),
        prop({**STR, "contentMediaType": "application/json"}),
        {("content-changed", BF)},
    ),
    "26-minimum-raised": Case(
        "26",
        prop({**INT, "minimum": 0}),
        prop({**INT, "minimum": 1}),
        {("number-range-narrowed", B)},
        {("number-range-widened", F)},
    ),
    "26-exclusive-minimum": Case(
        "26",
        prop({**NUM, "minimum": 0}),
        prop({**NUM, "exclusiveMinimum": 0}),
        {("number-range-narrowed", B)},
        {("number-range-widened", F)},
    ),
    "26-maximum-added": Case(
        "26",
        prop(NUM),
        prop({**NUM, "maximum": 100}),
        {("number-range-narrowed", B)},
        {("number-range-widened", F)},
    ),
    "27-multiple-of-new-divides-old": Case(
        "27",
        prop({**NUM, "multipleOf": 0.02}),
        prop({**NUM, "multipleOf": 0.01}),
        {("multiple-of-widened", F)},
        {("multiple-of-narrowed", B)},
    ),
    "27-multiple-of-unrelated": Case(
        "27",
        prop({**NUM, "multipleOf": 0.02}),
        prop({**NUM, "multipleOf": 0.03}),
        {("multiple-of-changed", BF)},
        {("multiple-of-changed", BF)},
    ),
    "28-max-items-lowered": Case(
        "28",
        prop({**ARR, "maxItems": 10}),
        prop({**ARR, "maxItems": 5}),
        {("item-count-narrowed", B)},
        {("item-count-widened", F)},
    ),
    "28-min-properties-raised": Case(
        "28",
        prop({"type": "object", "minProperties": 1}),
        prop({"type": "object", "minProperties": 2}),
        {("property-count-narrowed", B)},
        {("property-count-widened", F)},
    ),
    "28-unique-items-added": Case(
        "28",
        prop(ARR),
        prop({**ARR, "uniqueItems": True}),
        {("unique-items-added", B)},
        {("unique-items-removed", F)},
    ),
    "28-contains-added": Case(
        "28",
        prop(ARR),
        prop({**ARR, "contains": {"const": "x"}}),
        {("contains-added", B)},
        {("contains-removed", F)},
    ),
    "28-min-contains-raised": Case(
        "28",
        prop({**ARR, "contains": {"const": "x"}}),
        prop({**ARR, "contains": {"const": "x"}, "minContains": 2}),
        {("contains-count-narrowed", B)},
        {("contains-count-widened", F)},
    ),
    "29-tuple-item-added-closed": Case(
        "29",
        prop(tup(STR, closed=True)),
        prop(tup(STR, INT, closed=True)),
        {("tuple-item-added-closed", F)},
        {("tuple-item-removed-closed", B)},
    ),
    "29-tuple-item-added-open": Case(
        "29",
        prop(tup(STR, closed=False)),
        prop(tup(STR, INT, closed=False)),
        {("tuple-item-added-open", B)},
        {("tuple-item-removed-open", F)},
    ),
    "29-tuple-opened": Case(
        "29",
        prop(tup(STR, closed=True)),
        prop(tup(STR, closed=False)),
        {("additional-items-widened", F)},
        {("additional-items-narrowed", B)},
    ),
    "30-dependent-required-added": Case(
        "30",
        obj({"a": STR, "b": STR}),
        obj({"a": STR, "b": STR}, dependentRequired={"a": ["b"]}),
        {("dependent-required-added", B)},
        {("dependent-required-removed", F)},
    ),
    "30-dependent-schema-added": Case(
        "30",
        obj({"a": STR, "b": STR}),
        obj({"a": STR, "b": STR}, dependentSchemas={"a": {"required": ["b"]}}),
        {("dependent-schema-added", B)},
        {("dependent-schema-removed", F)},
    ),
    "31-branch-added-disjoint": Case(
        "31",
        prop({"oneOf": [tagged("a", x=STR), tagged("b", y=INT)]}),
        prop({"oneOf": [tagged("a", x=STR), tagged("b", y=INT), tagged("c")]}),
        {("branch-added", F)},
        {("branch-removed", B)},
    ),
    "31-one-of-branch-overlaps": Case(
        "31",
        prop({"oneOf": [tagged("a", x=STR), tagged("b", y=INT)]}),
        prop({"oneOf": [tagged("a", x=STR), tagged("b", y=INT), LOOSE]}),
        {("branch-added", F), ("one-of-branch-overlap", B)},
    ),
    "31-any-of-branch-added": Case(
        "31",
        prop({"anyOf": [LOOSE, WITH_Y]}),
        prop({"anyOf": [LOOSE, WITH_Y, WITH_Z]}),
        {("branch-added", F)},
        {("branch-removed", B)},
    ),
    "31-ref-made-nullable-with-any-of": Case(
        "31",
        defs({"$ref": "#/$defs/X"}, X=LOOSE),
        defs({"anyOf": [{"$ref": "#/$defs/X"}, {"type": "null"}]}, X=LOOSE),
        {("branch-added", F)},
        {("branch-removed", B)},
    ),
    "32-branch-removed": Case(
        "32",
        prop({"anyOf": [LOOSE, WITH_Y, WITH_Z]}),
        prop({"anyOf": [LOOSE, WITH_Y]}),
        {("branch-removed", B)},
        {("branch-added", F)},
    ),
    "32-branch-edited": Case(
        "32",
        prop({"oneOf": [tagged("a", x=STR), tagged("b", y=INT)]}),
        prop({"oneOf": [tagged("a", x=STR), tagged("b", y=NUM)]}),
        {("integer-widened-to-number", F)},
        {("number-narrowed-to-integer", B)},
    ),
    "33-all-of-member-added": Case(
        "33",
        prop({"allOf": [LOOSE, WITH_Y]}),
        prop({"allOf": [LOOSE, WITH_Y, WITH_Z]}),
        {("all-of-member-added", B)},
        {("all-of-member-removed", F)},
    ),
    "34-any-of-to-one-of-overlapping": Case(
        "34",
        prop({"anyOf": [LOOSE, WITH_Y]}),
        prop({"oneOf": [LOOSE, WITH_Y]}),
        {("combinator-changed", B)},
        {("combinator-changed", F)},
    ),
    "34-all-of-to-any-of": Case(
        "34",
        prop({"allOf": [LOOSE, WITH_Y]}),
        prop({"anyOf": [LOOSE, WITH_Y]}),
        {("combinator-changed", F)},
        {("combinator-changed", B)},
    ),
    "34-all-of-to-one-of": Case(
        "34",
        prop({"allOf": [LOOSE, WITH_Y]}),
        prop({"oneOf": [LOOSE, WITH_Y]}),
        {("combinator-changed", BF)},
        {("combinator-changed", BF)},
    ),
    "34-any-of-added": Case(
        "34",
        prop({"type": "object"}),
        prop({"type": "object", "anyOf": [LOOSE, WITH_Y]}),
        {("combinator-added", B)},
        {("combinator-removed", F)},
    ),
    "35-not-added": Case(
        "35",
        prop(STR),
        prop({**STR, "not": {"const": "x"}}),
        {("not-added", B)},
        {("not-removed", F)},
    ),
    "35-not-narrowed-widens": Case(
        "35",
        prop({**STR, "not": {"enum": ["x", "y"]}}),
        prop({**STR, "not": {"enum": ["x"]}}),
        {("enum-value-removed", F)},
        {("enum-value-added", B)},
    ),
    "35-if-then-added": Case(
        "35",
        obj({"a": STR, "b": STR}),
        obj(
            {"a": STR, "b": STR},
            **keywords({"if": {"required": ["a"]}, "then": {"required": ["b"]}}),
        ),
        {("conditional-added", B)},
        {("conditional-removed", F)},
    ),
    "35-if-changed": Case(
        "35",
        obj(
            {"a": STR, "b": STR},
            **keywords({"if": {"required": ["a"]}, "then": {"required": ["b"]}}),
        ),
        obj(
            {"a": STR, "b": STR},
            **keywords({"if": {"required": ["b"]}, "then": {"required": ["b"]}}),
        ),
        {("conditional-changed", BF)},
        {("conditional-changed", BF)},
    ),
    "35-then-narrowed": Case(
        "35",
        obj(
            {"a": STR, "b": STR},
            **keywords({"if": {"required": ["a"]}, "then": {"minProperties": 1}}),
        ),
        obj(
            {"a": STR, "b": STR},
            **keywords({"if": {"required": ["a"]}, "then": {"minProperties": 2}}),
        ),
        {("property-count-narrowed", B)},
        {("property-count-widened", F)},
    ),
    "36-referenced-definition-edited": Case(
        "36",
        defs({"$ref": "#/$defs/Code"}, Code={**STR, "maxLength": 8}),
        defs({"$ref": "#/$defs/Code"}, Code={**STR, "maxLength": 4}),
        {("string-length-narrowed", B)},
        {("string-length-widened", F)},
    ),
    "36-ref-retargeted": Case(
        "36",
        defs({"$ref": "#/$defs/Short"}, Short={**STR, "maxLength": 4}, Long=STR),
        defs({"$ref": "#/$defs/Long"}, Short={**STR, "maxLength": 4}, Long=STR),
        {("string-length-widened", F), ("ref-retargeted", NO)},
        {("string-length-narrowed", B), ("ref-retargeted", NO)},
    ),
    "36-shared-file-edited": Case(
        "36",
        {
            "thing.v1.json": prop({"$ref": "common.json#/$defs/Code"}),
            "common.json": {"$schema": S2020, "$defs": {"Code": STR}},
        },
        {
            "thing.v1.json": prop({"$ref": "common.json#/$defs/Code"}),
            "common.json": {"$schema": S2020, "$defs": {"Code": INT}},
        },
        {("type-changed", BF)},
    ),
    "38-default-changed": Case(
        "38",
        prop({**STR, "default": "a"}),
        prop({**STR, "default": "b"}),
        {("default-changed", NO)},
        {("default-changed", NO)},
    ),
    "38-default-added": Case(
        "38",
        prop(STR),
        prop({**STR, "default": "a"}),
        {("default-changed", NO)},
        {("default-changed", NO)},
    ),
    "39-title-renamed": Case(
        "39",
        prop(STR),
        {**prop(STR), "title": "Other"},
        {("type-renamed", NO)},
        {("type-renamed", NO)},
    ),
    "39-defs-key-renamed": Case(
        "39",
        defs({"$ref": "#/$defs/Code"}, Code=STR),
        defs({"$ref": "#/$defs/Key"}, Key=STR),
        {("type-renamed", NO), ("ref-retargeted", NO)},
        {("type-renamed", NO), ("ref-retargeted", NO)},
    ),
    "39-defs-entry-removed": Case(
        "39",
        defs(STR, Code=STR),
        defs(STR),
        {("type-removed", NO)},
    ),
    "40-draft-07-to-2020-12": Case(
        "40",
        {
            "$schema": D7,
            "title": "Thing",
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "t": {"type": "array", "items": [STR, INT], "additionalItems": False},
                "a": STR,
                "b": STR,
                "l": {"$ref": "#/definitions/Line"},
            },
            "dependencies": {"a": ["b"], "b": {"required": ["a"]}},
            "definitions": {"Line": LOOSE},
        },
        {
            "$schema": S2020,
            "title": "Thing",
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "t": {"type": "array", "prefixItems": [STR, INT], "items": False},
                "a": STR,
                "b": STR,
                "l": {"$ref": "#/$defs/Line"},
            },
            "dependentRequired": {"a": ["b"]},
            "dependentSchemas": {"b": {"required": ["a"]}},
            "$defs": {"Line": LOOSE},
        },
        {("draft-changed", NO)},
        {("draft-changed", NO)},
    ),
    "file-removed": Case(
        "-",
        {"thing.v1.json": prop(STR), "other.v1.json": prop(INT)},
        {"thing.v1.json": prop(STR)},
        {("contract-removed", BF)},
        {("contract-added", NO)},
    ),
    "new-major-version": Case(
        "-",
        {"thing.v1.json": {**prop(STR), "x-message": {"type": "a.b", "version": 1}}},
        {
            "thing.v1.json": {**prop(STR), "x-message": {"type": "a.b", "version": 1}},
            "thing.v2.json": {
                **prop(INT),
                "title": "ThingV2",
                "x-message": {"type": "a.b", "version": 2},
            },
        },
        {("contract-added", NO)},
    ),
    "superseded-major-removed": Case(
        "-",
        {
            "thing.v1.json": {**prop(STR), "x-message": {"type": "a.b", "version": 1}},
            "thing.v2.json": {
                **prop(INT),
                "title": "ThingV2",
                "x-message": {"type": "a.b", "version": 2},
            },
        },
        {
            "thing.v2.json": {
                **prop(INT),
                "title": "ThingV2",
                "x-message": {"type": "a.b", "version": 2},
            }
        },
        {("contract-removed", NO)},
    ),
    "message-type-changed": Case(
        "-",
        {**prop(STR), "x-message": {"type": "a.b", "version": 1}},
        {**prop(STR), "x-message": {"type": "a.c", "version": 1}},
        {("message-identity-changed", BF)},
        {("message-identity-changed", BF)},
    ),
    "undecidable-keyword": Case(
        "-",
        prop({"type": "object", "unevaluatedProperties": False}),
        prop({"type": "object", "unevaluatedProperties": STR}),
        {("keyword-changed", BF)},
    ),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_rule(tmp_path: Path, name: str) -> None:
    case = CASES[name]
    assert found(run(tmp_path / "fwd", case.old, case.new)) == case.expect
    if case.reverse is not None:
        assert found(run(tmp_path / "rev", case.new, case.old)) == case.reverse


def test_every_rule_row_has_a_case() -> None:
    """Each row of the reference table (1-40) is covered by a case or a refactor."""
    rows = {c.row for c in CASES.values()} | {"37"}
    assert {str(r) for r in range(1, 41)} - rows == set()
    rules = {
        rule for c in CASES.values() for rule, _ in c.expect | (c.reverse or set())
    }
    assert set(RULES) - rules == set()


def test_severities_and_rows_are_reported(tmp_path: Path) -> None:
    report = run(
        tmp_path, prop({**STR, "pattern": "^a"}), prop({**STR, "pattern": "^b"})
    )
    (verdict,) = report.verdicts
    assert verdict.finding.severity == "needs-review"
    assert verdict.finding.row == "24"
    assert verdict.status == "incompatible"
    assert "undecidable" in verdict.finding.hint
    report = run(tmp_path / "2", prop(STR), {**prop(STR), "title": "Renamed"})
    (verdict,) = report.verdicts
    assert (verdict.finding.severity, verdict.status) == ("code", "incompatible")
    report = run(tmp_path / "3", prop({**STR, "default": "a"}), prop(STR))
    (verdict,) = report.verdicts
    assert (verdict.finding.severity, verdict.status) == ("warning", "warning")


def test_findings_point_into_the_new_file(tmp_path: Path) -> None:
    report = run(
        tmp_path,
        defs({"$ref": "#/$defs/Code"}, Code={**STR, "maxLength": 8}),
        defs({"$ref": "#/$defs/Code"}, Code={**STR, "maxLength": 4}),
    )
    (verdict,) = report.verdicts
    f = verdict.finding
    assert (f.file, f.pointer) == ("thing.v1.json", "/$defs/Code/maxLength")
    assert f.breaks_text() == "breaks old writers"
    assert "thing.v1.json" in f.contracts


def test_two_removed_properties_are_two_findings(tmp_path: Path) -> None:
    report = run(tmp_path, obj({"a": STR, "b": STR, "c": STR}), obj({"a": STR}))
    pointers = sorted(v.finding.pointer for v in report.verdicts)
    assert pointers == ["/properties/b", "/properties/c"]


def test_recursive_schemas_terminate(tmp_path: Path) -> None:
    tree = {
        "$schema": S2020,
        "title": "Node",
        "type": "object",
        "properties": {"v": STR, "kids": {"type": "array", "items": {"$ref": "#"}}},
    }
    changed = json.loads(json.dumps(tree))
    changed["properties"]["v"] = {"type": ["string", "null"]}
    assert found(run(tmp_path / "same", tree, tree)) == set()
    assert found(run(tmp_path / "changed", tree, changed)) == {("type-widened", F)}


def test_mode_decides_what_fails(tmp_path: Path) -> None:
    old, new = obj({"a": STR}), obj({"a": STR, "b": STR})  # breaks old readers only
    assert run(tmp_path / "f", old, new, "full").failed
    assert run(tmp_path / "w", old, new, "forward").failed
    back = run(tmp_path / "b", old, new, "backward")
    assert not back.failed
    assert [v.status for v in back.verdicts] == ["allowed"]


LINE = {
    "title": "Line",
    "type": "object",
    "properties": {"sku": STR},
    "additionalProperties": False,
}
STATUS = {"title": "Status", "type": "string", "enum": ["a", "b"]}
REF = {"$ref": "#/$defs/Line"}

# Pairs that only refactor: no finding at all, in either direction (row 37).
REFACTORS: dict[str, tuple[Any, Any]] = {
    "inline-object-vs-ref": (
        obj({"l": LINE}),
        obj({"l": REF}, **keywords({"$defs": {"Line": LINE}})),
    ),
    "inline-scalar-vs-ref-defs-kept": (
        defs({**STR, "maxLength": 3}, Code={**STR, "maxLength": 3}),
        defs({"$ref": "#/$defs/Code"}, Code={**STR, "maxLength": 3}),
    ),
    "ref-across-files-vs-inline": (
        {
            "thing.v1.json": prop({"$ref": "common.json#/$defs/Code"}),
            "common.json": {
                "$schema": S2020,
                "$defs": {"Code": {**STR, "maxLength": 3}},
            },
        },
        {
            "thing.v1.json": prop({**STR, "maxLength": 3}),
            "common.json": {
                "$schema": S2020,
                "$defs": {"Code": {**STR, "maxLength": 3}},
            },
        },
    ),
    "ref-with-description-sibling": (
        obj({"l": REF}, **keywords({"$defs": {"Line": LINE}})),
        obj(
            {"l": {**REF, "description": "the line"}},
            **keywords({"$defs": {"Line": LINE}}),
        ),
    ),
    "enum-vs-any-of-const": (
        defs({"$ref": "#/$defs/Status"}, Status=STATUS),
        defs(
            {"$ref": "#/$defs/Status"},
            Status={"title": "Status", "anyOf": [{"const": "a"}, {"const": "b"}]},
        ),
    ),
    "enum-vs-one-of-const-with-docs": (
        defs({"$ref": "#/$defs/Status"}, Status=STATUS),
        defs(
            {"$ref": "#/$defs/Status"},
            Status={
                "title": "Status",
                "oneOf": [
                    {"const": "a", "description": "first"},
                    {"const": "b", "title": "Second"},
                ],
            },
        ),
    ),
    "const-vs-enum-of-one": (prop({"const": "a"}), prop({"enum": ["a"]})),
    "type-list-of-one": (prop({"type": ["string"]}), prop(STR)),
    "integer-and-number-vs-number": (prop({"type": ["integer", "number"]}), prop(NUM)),
    "any-of-types-vs-type-list": (
        prop({"anyOf": [STR, {"type": "null"}]}),
        prop({"type": ["string", "null"]}),
    ),
    "integer-exclusive-minimum-vs-minimum": (
        prop({**INT, "exclusiveMinimum": 0}),
        prop({**INT, "minimum": 1}),
    ),
    "all-of-vs-merged": (
        prop({"allOf": [STR, {"maxLength": 3}]}),
        prop({**STR, "maxLength": 3}),
    ),
    "annotations-only": (
        prop({**STR, "description": "old", "examples": ["x"], "$comment": "c"}),
        prop({**STR, "description": "new", "deprecated": True, "readOnly": True}),
    ),
    "reordered": (
        obj({"a": STR, "b": {"enum": ["x", "y"]}}, "a", "b"),
        obj({"b": {"enum": ["y", "x"]}, "a": STR}, "b", "a"),
    ),
    "additional-properties-absent-vs-true-vs-empty": (
        obj({"a": STR}, closed=False),
        obj({"a": STR}, additionalProperties={}),
    ),
    "true-vs-empty-schema": (prop(True), prop({})),
    "enum-type-filtered": (
        prop({"type": "string", "enum": ["a", 1]}),
        prop({"enum": ["a"]}),
    ),
    "any-of-disjoint-vs-one-of": (
        prop({"anyOf": [tagged("a"), tagged("b")]}),
        prop({"oneOf": [tagged("a"), tagged("b")]}),
    ),
    "defs-key-renamed-title-kept": (
        defs({"$ref": "#/$defs/Line"}, Line=LINE),
        defs({"$ref": "#/$defs/OrderLine"}, OrderLine=LINE),
    ),
}


@pytest.mark.parametrize("name", sorted(REFACTORS))
def test_refactor_gives_no_finding(tmp_path: Path, name: str) -> None:
    old, new = REFACTORS[name]
    assert run(tmp_path / "fwd", old, new).verdicts == ()
    assert run(tmp_path / "rev", new, old).verdicts == ()


def test_repository_schemas_against_themselves(tmp_path: Path) -> None:
    schemas = Path(__file__).resolve().parent.parent / "schemas"
    report = check_breaking(schemas, str(schemas))
    assert report.verdicts == ()
    assert not report.failed
