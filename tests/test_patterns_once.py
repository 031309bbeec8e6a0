"""Each pattern runs once per value (issue #13.2), in Python.

A contract that needs the full check is validated by its Pydantic model and by the
full check (jsonschema-rs); both can match a ``pattern``. Here both engines are
instrumented: the model's pattern steps call a counting matcher (the step the
generated package builds, with its engine swapped), and jsonschema-rs runs
``pattern`` through a counting keyword. Every (pattern, string) pair a valid message
holds must be matched exactly once, by one of them, whether the message comes as
JSON text, as a Python value, or inside an envelope through the Codec (the stream
path), and the typed value must be the one the whole model gives.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pydantic_core import SchemaValidator, core_schema

from codegen.api import generate_to
from codegen.emit import Settings
from runtime import Codec, Contracts, ContractViolation
from runtime.support import translate_rust
from tests.conftest import ROOT

PACKAGE = "patterns_once_pkg"
SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "x-message": {"type": "test.patterns", "version": 1},
    "$defs": {"code": {"type": "string", "pattern": "^[a-z]\\d$"}},
    "type": "object",
    "required": ["code"],
    "properties": {
        "code": {"$ref": "#/$defs/code"},
        "tags": {"type": "array", "items": {"type": "string", "pattern": "^t"}},
        "meta": {
            "type": "object",
            "propertyNames": {"pattern": "^m"},
            "additionalProperties": {"type": "string", "pattern": "^v"},
        },
        "kind": {"anyOf": [{"type": "string", "pattern": "^k"}, {"type": "integer"}]},
        # branches the model cannot tell apart: oneOf needs the full check
        "either": {
            "oneOf": [
                {"type": "string", "pattern": "^e"},
                {"type": "string", "maxLength": 2},
            ]
        },
        # patternProperties: the full check only
        "labels": {
            "type": "object",
            "patternProperties": {"^l": {"type": "string", "pattern": "^w"}},
        },
    },
}
# Every string differs, so a (pattern, string) pair is one place in the message.
VALID: list[dict[str, Any]] = [
    {"code": "a1"},
    {
        "code": "b2",
        "tags": ["t1", "t2", "t3"],
        "meta": {"m1": "v1", "m2": "v2"},
        "kind": "k1",
        "either": "e123",
        "labels": {"l1": "w1", "x": 5},
    },
    {"code": "c3", "kind": 7, "either": "xy", "meta": {}},
]
INVALID: list[dict[str, Any]] = [
    {"code": "a12"},
    {"code": "d4", "tags": ["x"]},
    {"code": "e5", "either": "e1"},  # both branches
    {"code": "f6", "labels": {"l2": "q"}},
]

counts: Counter[tuple[str, str, str]] = Counter()  # (engine, pattern, string)


class CountingPattern:
    """jsonschema-rs's ``pattern``, through a counter (schemas hold it translated)."""

    def __init__(self, parent: Any, value: str, path: Any) -> None:
        self.value = value
        self.engine = SchemaValidator(
            core_schema.str_schema(pattern=value, regex_engine="rust-regex")
        )

    def validate(self, instance: Any) -> None:
        if isinstance(instance, str):
            counts["jsonschema-rs", self.value, instance] += 1
            if not self.engine.isinstance_python(instance):
                raise ValueError(f"{instance!r} does not match {self.value!r}")


def _counting_model_patterns(support: Any) -> None:
    """The package's pattern step as it is built, its engine swapped for a counter."""
    step = support.patterns._Pattern
    built = step.__get_pydantic_core_schema__

    def instrumented(self: Any, source_type: Any, handler: Any) -> Any:
        schema = built(self, source_type, handler)
        rust = translate_rust(self.source)
        engine = SchemaValidator(
            core_schema.str_schema(pattern=rust, regex_engine="rust-regex")
        )

        def match(value: str) -> str:
            counts["model", rust, value] += 1
            if not engine.isinstance_python(value):
                raise ValueError("no match")
            return value

        pattern_step = schema["steps"][-1]
        assert pattern_step["type"] == "custom-error", pattern_step
        pattern_step["schema"] = core_schema.no_info_plain_validator_function(match)
        return schema

    step.__get_pydantic_core_schema__ = instrumented


@pytest.fixture(scope="module")
def contracts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Contracts]:
    root = tmp_path_factory.mktemp("patterns-once")
    schemas = root / "schemas"
    schemas.mkdir()
    (schemas / "a.json").write_text(json.dumps(SCHEMA))
    shutil.copy(ROOT / "schemas" / "envelope.v1.json", schemas / "envelope.v1.json")
    (schemas / "common").mkdir()
    for name in ("ids.json", "trace.json"):  # what the envelope refers to
        shutil.copy(ROOT / "schemas" / "common" / name, schemas / "common" / name)
    settings = Settings(python_package=PACKAGE, envelope="envelope.v1.json")
    generate_to(schemas, root / "out", settings)
    sys.path.insert(0, str(root / "out" / "python"))
    made = Contracts(PACKAGE)
    _counting_model_patterns(made.support)  # before any model is built
    made.fast_checker._keywords["pattern"] = CountingPattern
    yield made
    sys.path.remove(str(root / "out" / "python"))


def _twice() -> list[tuple[str, str, str]]:
    pairs: Counter[tuple[str, str]] = Counter()
    for (_, pattern, value), n in counts.items():
        pairs[pattern, value] += n
    return [(p, v, str(dict(counts))) for (p, v), n in pairs.items() if n > 1]


def test_the_contract_needs_the_full_check(contracts: Contracts) -> None:
    assert contracts.get("a.json").full_check


@pytest.mark.parametrize("instance", VALID)
def test_each_pattern_runs_once_per_value(
    contracts: Contracts, instance: dict[str, Any]
) -> None:
    validator = contracts.get("a.json")
    expected = validator.core.validate_python(instance, by_alias=True, by_name=False)
    calls: tuple[Callable[[], object], ...] = (
        lambda: validator.validate_python(instance),
        lambda: validator.validate_json(json.dumps(instance).encode()),
    )
    for call in calls:
        counts.clear()
        assert call() == expected
        assert counts, "no pattern was counted: the instrumentation is not in use"
        assert _twice() == []


@pytest.mark.parametrize("instance", VALID)
def test_on_the_stream_path_too(contracts: Contracts, instance: dict[str, Any]) -> None:
    codec = Codec(contracts, source="python:test")
    codec.encode(instance, message_type="test.patterns", version=1)  # first use
    counts.clear()
    raw = codec.encode(instance, message_type="test.patterns", version=1)
    assert _twice() == []
    counts.clear()
    message = codec.decode(raw)
    assert message.data == contracts.get("a.json").validate_python(instance)
    counts.clear()
    codec.decode(raw)
    assert counts and _twice() == []


@pytest.mark.parametrize("instance", INVALID)
def test_invalid_messages_are_refused_as_before(
    contracts: Contracts, instance: dict[str, Any]
) -> None:
    """The refusal and its words come from the path that was there before (the
    model, then the reference full check): only valid messages take the new one."""
    validator = contracts.get("a.json")
    with pytest.raises(ContractViolation) as caught:
        validator.validate_python(instance)
    with pytest.raises(ContractViolation) as again:
        validator.validate_json(json.dumps(instance).encode())
    assert caught.value.violations == again.value.violations
    assert caught.value.violations
