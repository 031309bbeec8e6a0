"""The compiled full check (jsonschema-rs) gives the reference full check's verdicts.

The verdict of a full-check contract comes from ``runtime._fastcheck``; the words of
a violation still come from ``runtime._fullcheck``. Both must agree on every
instance, with the package's own formats, ECMA-262 patterns and decimal
``multipleOf``; where jsonschema-rs cannot take an instance, the reference decides.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

import pytest

from codegen.api import generate_to
from codegen.emit import Settings
from runtime import Contracts, ContractViolation

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$defs": {
        "when": {"type": "string", "format": "date-time"},
        "code": {"type": "string", "pattern": "^[a-z]\\d$"},
    },
    "type": "object",
    "properties": {
        "at": {"$ref": "#/$defs/when"},
        "price": {"type": "number"},
        "code": {"$ref": "#/$defs/code"},
        "host": {"type": "string"},
        "huge": {"type": "integer"},
        "label": {"type": "string"},
    },
    "allOf": [
        {"properties": {"price": {"multipleOf": 0.01}}},
        {"properties": {"host": {"format": "hostname"}}},
        {"properties": {"label": {"maxLength": 3}}},
        {"properties": {"huge": {"maximum": 18446744073709551616}}},
    ],
    "oneOf": [{"required": ["at"]}, {"required": ["code"]}],
}

CASES: list[tuple[Any, bool]] = [
    ({"at": "2026-12-04T05:00:00Z"}, True),
    ({"at": "2026-02-30T05:00:00Z"}, False),  # our date-time checker: no Feb 30
    ({"at": "2024-12-31T23:59:60Z"}, True),  # a leap second
    ({"at": "x", "code": "a1"}, False),  # both branches of the oneOf
    ({"code": "a1"}, True),
    ({"code": "a\u0661"}, False),  # \d is ASCII-only (ECMA-262)
    ({"code": "a1\n"}, False),  # $ is the very end (ECMA-262)
    ({"code": "a1", "price": 19.99}, True),  # decimal multipleOf
    ({"code": "a1", "price": 0.035}, False),
    ({"code": "a1", "host": "example.com"}, True),
    ({"code": "a1", "host": "-bad-.example"}, False),
    ({"code": "a1", "huge": 18446744073709551616}, True),  # beyond 64 bits
    ({"code": "a1", "huge": 18446744073709551617}, False),
    ({}, False),
]
# Not Unicode text (JSON allows the escapes; Pydantic's JSON parser refuses them).
SURROGATES: list[tuple[Any, bool]] = [
    ({"code": "a1", "label": "\ud800"}, True),
    ({"code": "a1", "label": "\ud800\ud800\ud800\ud800"}, False),
    ({"code": "\ud800"}, False),
    ({"code": "a1", "host": "\ud800.example"}, False),
]


@pytest.fixture(scope="module")
def contracts(tmp_path_factory: pytest.TempPathFactory) -> Contracts:
    root = tmp_path_factory.mktemp("fastcheck")
    schemas = root / "schemas"
    schemas.mkdir()
    (schemas / "a.json").write_text(json.dumps(SCHEMA))
    generate_to(schemas, root / "out", Settings(python_package="fast_check_pkg"))
    sys.path.insert(0, str(root / "out" / "python"))
    return Contracts("fast_check_pkg")


def test_the_contract_needs_a_full_check(contracts: Contracts) -> None:
    assert contracts.get("a.json").full_check


@pytest.mark.parametrize(("instance", "valid"), CASES)
def test_compiled_and_reference_verdicts_agree(
    contracts: Contracts, instance: Any, valid: bool
) -> None:
    reference = contracts.full_checker.validator("a.json").is_valid(instance)
    assert contracts.fast_checker.is_valid("a.json", instance) is reference is valid


@pytest.mark.parametrize(("instance", "valid"), SURROGATES)
def test_what_it_cannot_take_is_left_to_the_reference(
    contracts: Contracts, instance: Any, valid: bool
) -> None:
    reference = contracts.full_checker.validator("a.json").is_valid(instance)
    assert contracts.fast_checker.is_valid("a.json", instance) in (None, reference)
    assert reference is valid
    try:
        contracts.get("a.json").validate_python(instance)
        got = True
    except ContractViolation:
        got = False
    assert got is valid


@pytest.mark.parametrize(("instance", "valid"), CASES)
def test_runtime_verdicts(contracts: Contracts, instance: Any, valid: bool) -> None:
    validator = contracts.get("a.json")
    calls: tuple[Callable[[], object], ...] = (
        lambda: validator.validate_python(instance),
        lambda: validator.validate_json(json.dumps(instance).encode()),
    )
    for call in calls:
        try:
            call()
            got = True
        except ContractViolation as exc:
            assert exc.violations
            got = False
        assert got is valid, instance


def test_a_contract_it_cannot_build_is_left_to_the_reference(
    contracts: Contracts, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = contracts.fast_checker
    monkeypatch.setattr(fast, "_cache", {})
    monkeypatch.setattr(fast, "unsupported", set())

    def panic(contract: str) -> Any:
        raise BaseException("a panic in the compiled validator")

    monkeypatch.setattr(fast, "validator", panic)
    assert fast.is_valid("a.json", {"code": "a1"}) is None
    assert fast.unsupported == {"a.json"}
    validator = contracts.get("a.json")
    validator.validate_python({"code": "a1"})
    with pytest.raises(ContractViolation):
        validator.validate_python({})


# The OpenAPI 3.1 schema's shape: a "$dynamicRef": "#meta" whose only anchor is in
# the same document. jsonschema-rs panicked on it (a reference to a named anchor),
# which left the whole contract to pure-Python jsonschema.
META = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://example.com/oas",
    "type": "object",
    "properties": {"schema": {"$dynamicRef": "#meta"}, "n": {"type": "integer"}},
    "$defs": {"schema": {"$dynamicAnchor": "meta", "type": ["object", "boolean"]}},
    "unevaluatedProperties": False,
}
META_CASES: list[tuple[Any, bool]] = [
    ({"schema": {"type": "string"}, "n": 1}, True),
    ({"schema": True}, True),
    ({"schema": 3}, False),
    ({"n": 1, "extra": 2}, False),
]


def test_a_dynamic_ref_with_one_anchor_becomes_a_ref() -> None:
    from runtime._fastcheck import dynamic_anchors, static_dynamic_refs

    anchors = dynamic_anchors([META])
    rewritten = static_dynamic_refs(META, anchors)
    assert rewritten["properties"]["schema"] == {"$ref": "#/$defs/schema"}
    assert rewritten["$defs"] == META["$defs"]
    # Two anchors of the name (here, in another document): the scope decides.
    assert static_dynamic_refs(META, anchors + anchors) is META
    embedded = {**META, "$defs": {**META["$defs"], "x": {"$id": "x"}}}
    assert static_dynamic_refs(embedded, anchors) is embedded


@pytest.fixture(scope="module")
def meta_contracts(tmp_path_factory: pytest.TempPathFactory) -> Contracts:
    root = tmp_path_factory.mktemp("fastcheck-meta")
    schemas = root / "schemas"
    schemas.mkdir()
    (schemas / "oas.json").write_text(json.dumps(META))
    generate_to(schemas, root / "out", Settings(python_package="fast_check_meta"))
    sys.path.insert(0, str(root / "out" / "python"))
    return Contracts("fast_check_meta")


@pytest.mark.parametrize(("instance", "valid"), META_CASES)
def test_a_dynamic_ref_is_checked_at_compiled_speed(
    meta_contracts: Contracts, instance: Any, valid: bool
) -> None:
    reference = meta_contracts.full_checker.validator("oas.json").is_valid(instance)
    fast = meta_contracts.fast_checker
    # What jsonschema-rs is given: the reference by pointer (it panicked on the
    # named one in about 3 runs of 4, by its hash order).
    assert "$dynamicRef" not in json.dumps(fast._resources)
    assert fast.is_valid("oas.json", instance) is reference is valid
    assert "oas.json" not in fast.unsupported


NESTED_INVALID = [
    {"schema": {"type": "string", "properties": {"a": {}}}, "n": 1, "extra": 2},
    {"schema": {"x": [1, 2]}, "n": "one"},
    {"schema": 3, "n": 1},
]


@pytest.mark.parametrize("instance", NESTED_INVALID)
def test_wording_skips_what_jsonschema_rs_finds_valid(
    meta_contracts: Contracts, instance: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a refused message is worded, a non-empty object or array that
    jsonschema-rs finds valid against its subschema is not walked by pure-Python
    jsonschema: the violations are the same as with the whole walk."""
    full = meta_contracts.full_checker
    assert full.fast is meta_contracts.fast_checker and full.remembers
    asked: list[bool | None] = []
    is_valid = full.fast.is_valid

    def spy(contract: str, value: Any) -> bool | None:
        asked.append(verdict := is_valid(contract, value))
        return verdict

    def worded() -> list[Any]:
        with pytest.raises(ContractViolation) as refused:
            meta_contracts.get("oas.json").validate_python(instance)
        return list(refused.value.violations)

    monkeypatch.setattr(full.fast, "is_valid", spy)
    pruned = worded()
    assert asked  # the walk asked jsonschema-rs about a subtree
    monkeypatch.setattr(full, "fast", None)
    assert worded() == pruned


def _format_inputs() -> list[tuple[str, str]]:
    from tests.test_ts_runtime import TRICKY, fuzz_cases, suite_cases

    inputs = [(n, s) for n, s, _ in suite_cases()]
    inputs += [(n, s) for n, strings in TRICKY.items() for s in strings]
    inputs += fuzz_cases()
    inputs += [
        ("uri-reference", s)
        for s in ["#/components/x", "a:b", "./a:b", "/a:b", "//h/p", "", "?q", "a/b"]
    ]
    return inputs


def _compiled(schema: Any, draft7: bool = False) -> Any:
    import jsonschema_rs

    from runtime.support import FORMATS

    rs = jsonschema_rs
    return (rs.Draft7Validator if draft7 else rs.Draft202012Validator)(
        schema,
        formats=FORMATS,
        validate_formats=True,
        pattern_options=jsonschema_rs.RegexOptions(),
    )


def test_formats_prefiltered_in_rust_keep_every_verdict() -> None:
    """jsonschema-rs matches a format's fast pattern first and calls the Python
    checker only for a string it does not match (runtime._fastcheck
    .prefiltered_formats): its verdict must be the checker's on every string, and
    both ways must be taken for every format."""
    import re

    from runtime._fastcheck import prefiltered_formats
    from runtime.support import FAST_FORMATS, FORMATS

    validators = {
        name: _compiled(prefiltered_formats({"format": name}, FAST_FORMATS))
        for name in FAST_FORMATS
    }
    fast: dict[str, set[bool]] = {name: set() for name in FAST_FORMATS}
    for name, text in _format_inputs():
        if name not in FAST_FORMATS:
            continue
        try:
            got = validators[name].is_valid(text)
        except BaseException:  # a lone surrogate: not Unicode text for Rust
            continue
        assert got == FORMATS[name](text), (name, text)
        fast[name].add(re.search(FAST_FORMATS[name], text) is not None)
    assert all(taken == {True, False} for taken in fast.values()), fast


def test_prefiltered_formats_keep_their_place() -> None:
    """The rewritten ``format`` is asserted where it was, with an ``allOf`` already
    there, beside ``unevaluatedProperties``, and ignored beside a draft-07 ``$ref``
    as before; data (``const``, ``enum``) is never rewritten."""
    from runtime._fastcheck import prefiltered_formats
    from runtime.support import FAST_FORMATS

    schema = {
        "type": "object",
        "properties": {
            "a": {"format": "uri", "allOf": [{"maxLength": 30}]},
            "b": {"items": {"format": "date"}},
            "c": {"const": {"format": "uri"}},
        },
        "unevaluatedProperties": False,
    }
    draft7 = {
        "definitions": {"s": {"type": "string"}},
        "properties": {
            "a": {"$ref": "#/definitions/s", "format": "uri"},
            "b": {"items": {"format": "date"}},
        },
    }
    rewritten = prefiltered_formats(schema, FAST_FORMATS)
    assert rewritten["properties"]["c"] == {"const": {"format": "uri"}}
    assert "format" not in rewritten["properties"]["a"]
    assert rewritten["properties"]["a"]["allOf"][0] == {"maxLength": 30}
    cases = [
        {"a": "http://example.com"},
        {"a": "not a uri"},
        {"a": "http://example.com/" + "x" * 30},
        {"b": ["2024-02-29", "2023-02-29"]},
        {"b": ["2024-12-31"]},
        {"c": {"format": "uri"}},
        {"a": "http://example.com", "d": 1},
    ]
    for original, draft in ((schema, False), (draft7, True)):
        before = _compiled(original, draft)
        after = _compiled(prefiltered_formats(original, FAST_FORMATS), draft)
        verdicts = [before.is_valid(case) for case in cases]
        assert [after.is_valid(case) for case in cases] == verdicts
        assert True in verdicts and False in verdicts


def test_limits_of_a_full_check_contract(contracts: Contracts) -> None:
    """A full-check contract parses before the depth is counted: the refusals of
    NaN, of too deep a text (with escapes in its strings) and of malformed JSON
    are the ones the limits always gave."""
    validator = contracts.get("a.json")
    deep = b'{"code": "a1", "x": ' + b'["\\\\\\"[", ' * 70 + b"1" + b"]" * 70 + b"}"
    for text, expected in (
        (b'{"code": "a1", "price": NaN}', "valid JSON"),
        (b'{"code": "a1", "price": -Infinity}', "valid JSON"),
        (deep, "nesting depth at most 64"),
        (b'{"code": "a1", "x": [[' + b'"\\\\"]', "valid JSON"),
    ):
        with pytest.raises(ContractViolation) as caught:
            validator.validate_json(text)
        assert [v.expected for v in caught.value.violations] == [expected], text
    assert "line 1" in caught.value.violations[0].got
    with pytest.raises(ContractViolation) as caught:
        validator.validate_json(b'{"code": "a1", "price": NaN}')
    assert caught.value.violations[0].got == "NaN (not a JSON number)"
    with pytest.raises(ContractViolation) as caught:
        validator.validate_json(deep)
    assert caught.value.violations[0].got == "depth 71"
