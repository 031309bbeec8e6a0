"""A union told apart by its keys validates each message with the branch its
discriminator names, built on first use (runtime/_dispatch.py): same verdicts and
values as the whole union, which only a value with no branch builds; refusals are
the whole union's, word for word."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import pytest
from pydantic import Discriminator, Field, Tag

from codegen.api import generate_to
from codegen.emit import Settings
from runtime import Contracts, ContractViolation
from runtime._dispatch import tagged_choices
from tests.conftest import reference_validator
from tests.test_key_split import EVENT_REPORTS, GOLDEN_EVENTS

VALID = [
    ({"action": "created", "starred_at": "2026-02-03T05:00:00Z"}, "StarEvent"),
    ({"action": "deleted", "starred_at": None}, "StarEvent"),
    ({"action": "deleted", "hook_id": 4}, "MetaDeletedEvent"),
    ({"ref": "r", "before": "a", "after": "b"}, "PushEvent"),
    ({"zen": "z", "hook_id": 1}, "PingEvent"),
    ({"forkee": {}, "legacy": True}, "ForkEvent | ForkLegacyEvent"),
]


@pytest.fixture
def events(tmp_path: Path, clean_modules: None) -> Contracts:
    generate_to(GOLDEN_EVENTS, tmp_path, Settings(python_package="dispatch_events"))
    sys.path.insert(0, str(tmp_path / "python"))
    return Contracts("dispatch_events")


@pytest.mark.parametrize("how", ["json", "python"])
def test_valid_events_build_their_branch_only(events: Contracts, how: str) -> None:
    validator = events.get("webhook_event.json")
    reference = reference_validator(GOLDEN_EVENTS, "webhook_event.json")
    assert validator.branches is not None
    assert validator.full_check  # the fork pair keeps the oneOf's full check
    built: list[str] = []
    values = []
    for event, tag in VALID:
        assert reference.is_valid(event)
        if how == "json":
            value = validator.validate_json(json.dumps(event))
        else:
            value = validator.validate_python(event)
        values.append(value)
        built = sorted({*built, tag})
        assert validator.branches.built_tags() == built
    # the whole union was never built for them ...
    assert "core" not in vars(validator) and "adapter" not in vars(validator)
    # ... and gives the same values
    for (event, _), value in zip(VALID, values, strict=True):
        whole = validator.adapter.validate_python(event, by_alias=True, by_name=False)
        assert type(whole) is type(value)
        assert whole == value


@pytest.mark.parametrize(("event", "expected"), EVENT_REPORTS)
@pytest.mark.parametrize("how", ["json", "python"])
def test_refusals_are_the_whole_unions(
    events: Contracts, event: Any, expected: list[str], how: str
) -> None:
    validator = events.get("webhook_event.json")
    with pytest.raises(ContractViolation) as caught:
        if how == "json":
            validator.validate_json(json.dumps(event))
        else:
            validator.validate_python(event)
    got = [
        f"{v.pointer or '/'}: expected {v.expected}, got {v.got}"
        for v in caught.value.violations
    ]
    assert got == expected
    # the branch's errors, located as the union locates them: no whole union
    assert "core" not in vars(validator)


def test_a_value_with_no_branch_goes_to_the_whole_union(events: Contracts) -> None:
    validator = events.get("webhook_event.json")
    with pytest.raises(ContractViolation) as caught:
        validator.validate_json(b"[]")
    assert caught.value.violations[0].expected == "an object"
    assert "core" in vars(validator)


def test_the_fork_pair_still_fails_its_one_of(events: Contracts) -> None:
    """Valid for both fork events: the branch (a union of the two) takes it, the
    full check refuses it as before."""
    validator = events.get("webhook_event.json")
    event: dict[str, Any] = {"forkee": {}}
    assert not reference_validator(GOLDEN_EVENTS, "webhook_event.json").is_valid(event)
    with pytest.raises(ContractViolation) as caught:
        validator.validate_json(json.dumps(event))
    assert [(v.pointer, v.expected) for v in caught.value.violations] == [
        ("", "exactly one branch to match (ForkEvent, ForkLegacyEvent match)")
    ]


class _A:
    pass


def test_only_tagged_unions_with_a_callable_discriminator_dispatch() -> None:
    def pick(value: Any) -> str:
        return "a"

    short = Field(max_length=2)
    tagged = Annotated[
        Annotated[int, Tag("a")] | Annotated[str, short, Tag("b")],
        Discriminator(pick),
    ]
    found = tagged_choices(tagged)
    assert found is not None
    function, choices = found
    assert function is pick
    assert choices["a"] is int
    assert choices["b"] == Annotated[str, short]
    assert tagged_choices(_A) is None
    assert tagged_choices(int | str) is None
    assert tagged_choices(Annotated[int | str, Field(discriminator="kind")]) is None
    untagged = Annotated[
        Annotated[int, Tag("a")] | str,
        Discriminator(pick),
    ]
    assert tagged_choices(untagged) is None


def test_the_http_fast_path_takes_the_branch(events: Contracts) -> None:
    """runtime/http.py validates a body from its bytes with ``core_for_json``."""
    validator = events.get("webhook_event.json")
    raw = b'{"zen": "z", "hook_id": 1}'
    value = validator.core_for_json(raw).validate_json(
        raw, by_alias=True, by_name=False
    )
    assert type(value).__name__ == "PingEvent"
    assert validator.branches is not None
    assert validator.branches.built_tags() == ["PingEvent"]
    assert "core" not in vars(validator)
    # not JSON, or no branch for it: the whole union's validator
    assert validator.core_for_json(b"[1") is validator.core


def test_the_full_check_asks_the_member_the_keys_name(events: Contracts) -> None:
    """The compiled full check of a union that is only a oneOf of $refs compiles
    the member a message's keys name, and its verdict is the whole oneOf's."""
    validator = events.get("webhook_event.json")
    fast = events.fast_checker
    assert fast.union_members("webhook_event.json") == tuple(
        f"webhook_event.json#/$defs/{name}"
        for name in (
            "StarEvent",
            "PushEvent",
            "PingEvent",
            "MetaDeletedEvent",
            "ForkEvent",
            "ForkLegacyEvent",
        )
    )
    push = {"ref": "r", "before": "a", "after": "b"}
    validator.validate_json(json.dumps(push))
    # PushEvent needs no full check of its own: its model decides alone, and
    # nothing is compiled (ContractValidator._alone)
    assert set(fast._cache) == set()
    assert validator._fast_verdict(push) is True
    assert set(fast._cache) == {"webhook_event.json#/$defs/PushEvent"}
    # the fork pair is one choice of two members: the whole oneOf decides
    validator.validate_json(b'{"forkee": {}, "legacy": true}')
    assert "webhook_event.json" in fast._cache
    for event in [e for e, _ in VALID] + [e for e, _ in EVENT_REPORTS]:
        assert validator._fast_verdict(event) == fast.is_valid(
            "webhook_event.json", event
        ), event
    # a member is no union: nothing to split
    assert fast.union_members("webhook_event.json#/$defs/PushEvent") == ()


def test_a_refusal_outside_any_union_builds_no_full_check(
    tmp_path: Path, clean_modules: None
) -> None:
    """jsonschema and its registry (the full check) are built only when a failing
    union needs a branch's words; and the union report (which reads the schema
    documents) only for a contract whose files hold a union."""
    schemas = tmp_path / "schemas"
    schemas.mkdir()
    (schemas / "plain.json").write_text(
        json.dumps(
            {
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string"}},
                "additionalProperties": False,
            }
        )
    )
    generate_to(schemas, tmp_path / "out", Settings(python_package="plain_refusal"))
    sys.path.insert(0, str(tmp_path / "out" / "python"))
    contracts = Contracts("plain_refusal")
    with pytest.raises(ContractViolation) as caught:
        contracts.get("plain.json").validate_json(b'{"name": 1}')
    assert [(v.pointer, v.expected) for v in caught.value.violations] == [
        ("/name", "a string")
    ]
    assert "union_report" not in vars(contracts)
    assert "full_checker" not in vars(contracts)


def test_a_failing_union_still_gets_its_branch_words(events: Contracts) -> None:
    with pytest.raises(ContractViolation):
        events.get("webhook_event.json").validate_json(b'{"zen": "z"}')
    # The branches' violations: by the walk (runtime/_errorwalk.py), which this
    # package allows, without the full check (jsonschema).
    walk = vars(events).get("walk")
    assert walk is not None and walk._targets
    assert "full_checker" not in vars(events)
