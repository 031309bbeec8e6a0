"""Unions told apart by the properties their members require (codegen/compiler/
unions.py key_split): when the split is sound, what it costs a ``oneOf``, and the
Python runtime's answer on values no member can take."""

from __future__ import annotations

import json
import sys
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest

from codegen.api import generate_to
from codegen.emit import Settings
from runtime import Contracts, ContractViolation


def closed(required: list[str], **props: Any) -> dict[str, Any]:
    return {
        "type": "object",
        "required": required,
        "properties": props,
        "additionalProperties": False,
    }


S = {"type": "string"}


def build(tmp_path: Path, name: str, members: list[Any], keyword: str) -> Contracts:
    schemas = tmp_path / name / "schemas"
    schemas.mkdir(parents=True)
    schema = {
        "$defs": {f"M{i}": m for i, m in enumerate(members)},
        keyword: [{"$ref": f"#/$defs/M{i}"} for i in range(len(members))],
    }
    (schemas / "u.json").write_text(json.dumps(schema))
    out = tmp_path / name / "out"
    generate_to(schemas, out, Settings(python_package=name))
    sys.path.insert(0, str(out / "python"))
    return Contracts(name)


def source(module: str) -> str:
    return Path(import_module(module).__file__ or "").read_text()


@pytest.mark.parametrize(
    ("members", "split", "full_check"),
    [
        # each member requires a key the others cannot have: split, exactly one
        ([closed(["a"], a=S), closed(["b"], b=S), closed(["c"], c=S)], True, False),
        # an open member may hold any key, but it requires one the closed forbids
        ([closed(["a"], a=S), {"type": "object", "required": ["b"]}], True, False),
        # two open members: either may hold the other's key, oneOf left to the check
        (
            [{"type": "object", "required": [k]} for k in "ab"],
            False,
            True,
        ),
        # "a" is optional in the second: it can be present there, no split
        ([closed(["a"], a=S), closed(["b"], a=S, b=S)], True, False),
        # the same keys required in both: nothing tells them apart
        ([closed(["a"], a=S), closed(["a"], a={"type": "integer"})], False, True),
        # members that are no objects: no split (told apart by kind instead)
        ([{"type": "string"}, closed(["a"], a=S)], False, False),
    ],
)
def test_when_a_union_is_split(
    tmp_path: Path,
    clean_modules: None,
    members: list[Any],
    split: bool,
    full_check: bool,
) -> None:
    contracts = build(tmp_path, "split_case", members, "oneOf")
    text = source("split_case.u")
    assert ("_s.key_tag(" in text) is split, text
    assert bool(contracts.get("u.json").full_check) is full_check


def test_the_third_case_splits_on_the_key_the_first_forbids(
    tmp_path: Path, clean_modules: None
) -> None:
    """``a`` may appear in M1 (optional), so the tree asks for ``b`` instead."""
    build(tmp_path, "split_b", [closed(["a"], a=S), closed(["b"], a=S, b=S)], "anyOf")
    text = source("split_b.u")
    assert '_s.key_tag(("b", "M1", "M0"))' in text.replace("\n", "").replace(
        "    ", ""
    ).replace(",)", ")")


def test_values_go_to_their_member_and_others_get_one_reason(
    tmp_path: Path, clean_modules: None
) -> None:
    members = [closed(["a"], a=S), closed(["b"], b=S), closed(["c"], c=S)]
    validator = build(tmp_path, "split_run", members, "anyOf").get("u.json")
    assert not validator.full_check
    for doc in ({"a": "x"}, {"b": "y"}, {"c": "z"}):
        value = validator.validate_python(doc)
        assert type(value).__name__ == f"M{'abc'.index(next(iter(doc)))}"
        assert validator.adapter.dump_python(value, by_alias=True) == doc
    # the failing anyOf explains itself (runtime/_union_report.py): the closest
    # member, then its errors alone
    tried = "(the closest; tried M0, M1, M2)"
    cases = {
        json.dumps({"b": 1}): [
            f'/: expected the M1 branch {tried}, got {{"b": 1}}',
            "/b: expected a string, got 1",
        ],
        json.dumps({"a": "x", "b": "y"}): [
            f'/: expected the M0 branch {tried}, got {{"a": "x", "b": "y"}}',
            '/b: expected no such property (additionalProperties is false), got "y"',
        ],
        json.dumps("a"): [
            '/: expected an object, got "a"',
            f'/: expected the M0 branch {tried}, got "a"',
        ],
        json.dumps([]): [
            "/: expected an object, got []",
            f"/: expected the M0 branch {tried}, got []",
        ],
    }
    for text, expected in cases.items():
        with pytest.raises(ContractViolation) as caught:
            validator.validate_json(text)
        got = [
            f"{v.pointer or '/'}: expected {v.expected}, got {v.got}"
            for v in caught.value.violations
        ]
        assert got == expected, text


GOLDEN_EVENTS = (
    Path(__file__).parent / "golden" / "unions_by_keys" / "schemas"
)  # the golden case's schema: six events, one key split, one inseparable pair

# Invalid events and the Python runtime's words: the failing oneOf explains itself
# (runtime/_union_report.py): the member meant (named by a discriminator, or the
# closest), then its errors alone; StarEvent is itself a oneOf told apart by its
# "action".
ALL = (
    "tried StarEvent, PushEvent, PingEvent, MetaDeletedEvent, ForkEvent,"
    " ForkLegacyEvent"
)
STARS = "tried StarCreatedEvent, StarDeletedEvent"
EVENT_REPORTS = [
    (
        {"ref": "r", "before": "a", "after": "b", "zen": "z"},
        [
            f"/: expected the PushEvent branch (the closest; {ALL}), got"
            ' {"after": "b", "before": "a", "ref": "r", "zen": "z"}',
            '/zen: expected no such property (additionalProperties is false), got "z"',
        ],
    ),
    (
        {"action": "edited", "starred_at": None},
        [
            f'/: expected a branch its "action" names ({STARS}), got'
            ' {"action": "edited", "starred_at": null}',
            f"/: expected the StarEvent branch (the closest; {ALL}), got"
            ' {"action": "edited", "starred_at": null}',
            '/action: expected one of "created", "deleted", got "edited"',
        ],
    ),
    (
        {"action": "created", "starred_at": "2026-02-30T05:00:00Z"},
        [
            '/: expected the StarCreatedEvent branch (picked by its "action";'
            f' {STARS}), got {{"action": "created",'
            ' "starred_at": "2026-02-30T05:00:00Z"}',
            f"/: expected the StarEvent branch (the closest; {ALL}), got"
            ' {"action": "created", "starred_at": "2026-02-30T05:00:00Z"}',
            "/starred_at: expected a valid date-time string,"
            ' got "2026-02-30T05:00:00Z"',
        ],
    ),
    (
        {"zen": "z"},
        [
            f"/: expected the PingEvent branch (the closest; {ALL}),"
            ' got {"zen": "z"}',
            "/hook_id: expected a required property, got nothing",
        ],
    ),
    (
        {},
        [
            f"/: expected the ForkEvent branch (the closest; {ALL}), got {{}}",
            "/forkee: expected a required property, got nothing",
        ],
    ),
]


@pytest.fixture(scope="module")
def events(tmp_path_factory: pytest.TempPathFactory) -> Contracts:
    out = tmp_path_factory.mktemp("events")
    generate_to(GOLDEN_EVENTS, out, Settings(python_package="split_events"))
    sys.path.insert(0, str(out / "python"))
    return Contracts("split_events")


@pytest.mark.parametrize(("event", "expected"), EVENT_REPORTS)
def test_an_event_is_judged_by_the_member_its_keys_name(
    events: Contracts, event: Any, expected: list[str]
) -> None:
    from tests.conftest import reference_validator

    assert not reference_validator(GOLDEN_EVENTS, "webhook_event.json").is_valid(event)
    with pytest.raises(ContractViolation) as caught:
        events.get("webhook_event.json").validate_python(event)
    got = [
        f"{v.pointer or '/'}: expected {v.expected}, got {v.got}"
        for v in caught.value.violations
    ]
    assert got == expected
