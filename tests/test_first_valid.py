"""The first valid message pays for what it needs only, with the same verdicts.

Two costs of the first message of a contract with a full check are avoided:

- the compiled check (runtime/_fastcheck.py) compiles a contract against the part
  of its schema file it reaches (runtime/_reach.py), not a registry of every file
  rewritten whole: each verdict is checked here against the whole file's;
- a model is read by pydantic-core's validator built from the core schema and
  config ``TypeAdapter`` would use (runtime/_dispatch.py), without building the
  adapter, its validator and serializer, nor pydantic's look-up of plugins.
"""

from __future__ import annotations

import json
import subprocess
import sys
import types
from itertools import islice
from pathlib import Path
from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

import runtime._fastcheck
from codegen.api import generate_to
from codegen.emit import Settings
from runtime import Contracts, ContractViolation
from runtime._dispatch import Built, core_schema_of, tagged_choices
from runtime._reach import prunable, reached_document
from tests.conftest import GOLDEN, ROOT, package_name, sample_cases
from tests.test_wording_speed import _mutations

DOCUMENT: dict[str, Any] = {
    "$id": "https://x.test/doc.json",
    "type": "object",
    "properties": {"a": {"$ref": "#/$defs/a"}},
    "$defs": {
        "a": {"allOf": [{"$ref": "#/$defs/b"}, {"$ref": "#/$defs/c/oneOf/1"}]},
        "b": {"type": "string", "pattern": "^x", "format": "date"},
        "c": {"oneOf": [{"type": "null"}, {"$ref": "#/$defs/a"}, {"type": "array"}]},
        "unused": {"type": "integer"},
    },
}


def _keep(node: Any) -> Any:
    return node


def test_a_document_keeps_what_its_subschema_reaches_at_the_same_pointers() -> None:
    rewritten: dict[tuple[str, ...], Any] = {}
    reached = reached_document(DOCUMENT, "/$defs/a", _keep, rewritten)
    defs = DOCUMENT["$defs"]
    assert reached == {
        "$id": "https://x.test/doc.json",
        "$defs": {
            "a": defs["a"],
            "b": defs["b"],
            # a list on the way keeps its length: the pointer /oneOf/1 still works
            "c": {"oneOf": [True, defs["c"]["oneOf"][1], True]},
        },
    }
    # Each part is rewritten once, for every contract of the file.
    assert set(rewritten) == {
        ("$defs", "a"),
        ("$defs", "b"),
        ("$defs", "c", "oneOf", "1"),
    }
    again = reached_document(DOCUMENT, "/$defs/b", _fail, rewritten)
    assert again == {"$id": "https://x.test/doc.json", "$defs": {"b": defs["b"]}}


def _fail(node: Any) -> Any:
    raise AssertionError("rewritten twice")


@pytest.mark.parametrize(
    ("document", "fragment"),
    [
        (DOCUMENT, ""),  # the whole document
        ({"$defs": {"a": {"$ref": "#"}}}, "/$defs/a"),  # the root
        ({"$defs": {"a": {"$ref": "other.json#/$defs/b"}}}, "/$defs/a"),
        ({"$defs": {"a": {"$ref": "#here"}}}, "/$defs/a"),  # an anchor
        ({"$defs": {"a": {"$ref": "#/$defs/missing"}}}, "/$defs/a"),
        ({"$defs": {"a": {"$ref": "#/$defs/b/const"}, "b": {"const": {}}}}, "/$defs/a"),
        ({"patternProperties": {"^a": {"$defs": {"x": {}}}}}, "/patternProperties/^a"),
        (
            {"$defs": {"a": {"enum": [{"$ref": "x.json"}]}}},
            "/$defs/a",
        ),  # data: kept safe
    ],
)
def test_a_document_is_used_whole_where_a_part_may_not_be_enough(
    document: dict[str, Any], fragment: str
) -> None:
    assert reached_document(document, fragment, _keep, {}) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"type": "object"}', True),
        ('{"$id": "https://x.test/a.json", "type": "object"}', True),
        ('{"$defs": {"a": {"$id": "b.json"}}}', False),
        ('{"$id": "https://x.test/a.json", "$defs": {"a": {"$id": "b.json"}}}', False),
        ('{"$defs": {"a": {"$anchor": "here"}}}', False),
        ('{"$defs": {"a": {"$dynamicAnchor": "meta"}}}', False),
        ('{"$defs": {"a": {"$dynamicRef": "#meta"}}}', False),
        ('{"$defs": {"a": {"$recursiveRef": "#"}}}', False),
        ('{"$defs": {"a": {"\\u0024id": "b.json"}}}', False),
        ('{"properties": {"id": {"type": "integer"}}}', True),
    ],
)
def test_a_file_is_pruned_only_where_pointers_alone_resolve(
    text: str, expected: bool
) -> None:
    assert prunable(text, json.loads(text)) is expected


def _package(case: Path, tmp_path: Path) -> str:
    package = package_name(case)
    generate_to(case / "schemas", tmp_path, Settings(python_package=package))
    sys.path.insert(0, str(tmp_path / "python"))
    return package


@pytest.mark.parametrize("case", sample_cases(), ids=lambda c: c.name)
def test_a_contract_compiled_alone_gives_the_whole_files_verdicts(
    case: Path, tmp_path: Path, clean_modules: None
) -> None:
    package = _package(case, tmp_path)
    whole = Contracts(package).fast_checker
    whole.alone = runtime._fastcheck.ALONE  # compiles against every file
    samples = json.loads((case / "samples.json").read_text())
    instances = [m for s in samples for m in islice(_mutations(s["data"]), 60)]
    compared = alone = 0
    for contract in Contracts(package).names():
        pruned = Contracts(package).fast_checker  # the first contract it meets
        for instance in instances:
            verdict = pruned.is_valid(contract, instance)
            other = whole.is_valid(contract, instance)
            # None: jsonschema-rs panicked building the contract (it does so on
            # some runs only, on a reference to a named anchor, whatever the
            # registry): the reference validator decides (runtime/contracts.py).
            if verdict is not None and other is not None:
                assert verdict == other, (contract, instance)
                compared += 1
        alone += pruned.alone
    assert compared
    assert whole.alone == runtime._fastcheck.ALONE and whole._registries
    PRUNED[case.name] = alone


PRUNED: dict[str, int] = {}


def test_some_contracts_were_compiled_alone() -> None:
    """The comparison above met contracts compiled alone (when it ran)."""
    if len(PRUNED) == len(sample_cases()):
        assert sum(PRUNED.values()) >= 10
        assert PRUNED["unions_by_keys"] and PRUNED["composition"]


def test_the_webhook_like_union_compiles_its_member_alone(
    tmp_path: Path, clean_modules: None
) -> None:
    """A member of a union of events is compiled without a registry of the
    whole file; the whole file's is built only when a contract reaches its root."""
    package = _package(GOLDEN / "unions_by_keys", tmp_path)
    fast = Contracts(package).fast_checker
    member = "webhook_event.json#/$defs/StarCreatedEvent"
    assert fast.is_valid(member, {}) is False
    assert fast.alone == 1 and not fast._registries
    fast.is_valid("webhook_event.json", {})
    assert set(fast._registries) == {"2020-12"}


def _normal(value: Any) -> Any:
    """A core schema with each function as its code and the values it closes
    over: two generations of one type make new closures of the same code."""
    if isinstance(value, dict):
        return {k: _normal(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_normal(v) for v in value]
    if isinstance(value, types.FunctionType):
        cells = value.__closure__ or ()
        return (value.__code__, [_normal(c.cell_contents) for c in cells])
    return value


@pytest.mark.parametrize("case", ["unions_by_keys", "composition", "unions"])
def test_the_core_schema_alone_is_the_adapters(
    case: str, tmp_path: Path, clean_modules: None
) -> None:
    package = _package(GOLDEN / case, tmp_path)
    contracts = Contracts(package)
    samples = json.loads((GOLDEN / case / "samples.json").read_text())
    instances = [m for s in samples for m in islice(_mutations(s["data"]), 80)]
    met = errors = 0
    for name in contracts.names():
        python_type = contracts.get(name).python_type
        found = tagged_choices(python_type)
        for each in [python_type, *(found[1].values() if found else ())]:
            alone = core_schema_of(each)
            assert alone is not None
            adapter = TypeAdapter(each)
            adapter.rebuild(force=True)  # a model defers its build
            assert _normal(alone[0]) == _normal(adapter.core_schema)
            # The validator built from them: the adapter's verdicts and errors,
            # word for word.
            core = Built(each, _keep).core
            for instance in instances:
                assert _outcome(core, instance) == _outcome(adapter, instance)
                errors += _outcome(core, instance)[0] == "refused"
            met += 1
    assert met >= 3 and errors


def _outcome(validator: Any, instance: Any) -> tuple[str, Any]:
    try:
        value = validator.validate_python(instance, by_alias=True, by_name=False)
    except ValidationError as exc:
        return "refused", exc.errors(include_url=False)
    return "accepted", repr(value)


def test_a_valid_message_builds_no_adapter(tmp_path: Path, clean_modules: None) -> None:
    package = _package(GOLDEN / "unions_by_keys", tmp_path)
    validator = Contracts(package).get("webhook_event.json")
    sample = next(
        s
        for s in json.loads((GOLDEN / "unions_by_keys" / "samples.json").read_text())
        if s["valid"] and s["contract"] == "webhook_event.json"
    )
    validator.validate_json(json.dumps(sample["data"]))
    branches = validator.branches
    assert branches is not None
    built: list[Built] = list(branches._built.values())
    assert built and all("adapter" not in b.__dict__ for b in built)
    # Its union member (StarEvent) needs no full check of its own: its model (its
    # core validator, patterns included) decided alone; nothing was compiled.
    assert all("core" in b.__dict__ for b in built)
    assert "fast_checker" not in vars(validator.contracts)
    # The fork pair is one choice of two members, which the whole oneOf's full
    # check tells apart: the model decided first (no compiled check yet), then
    # the compiled check was built.
    fork = {"forkee": {}, "legacy": True}
    validator.validate_json(json.dumps(fork))
    assert "fast_checker" in vars(validator.contracts)
    # From then on the compiled check decides first, and the model reads such a
    # message without its patterns.
    validator.validate_json(json.dumps(fork))
    assert any("unpatterned" in b.__dict__ for b in branches._built.values())
    assert all("adapter" not in b.__dict__ for b in branches._built.values())
    # A refusal reads the branch with its core validator, built without one too.
    with pytest.raises(ContractViolation):
        validator.validate_json(json.dumps({**sample["data"], "sender": 3}))
    assert any("core" in b.__dict__ for b in branches._built.values())
    assert all("adapter" not in b.__dict__ for b in branches._built.values())


def test_a_first_message_looks_up_no_pydantic_plugin(tmp_path: Path) -> None:
    """In a fresh process: pydantic reads every installed distribution's entry
    points when it builds its first validator through its API; the runtime
    builds none so (a valid message of a contract with a full check, a refused
    one of a contract without)."""
    package = package_name(GOLDEN / "unions_by_keys")
    generate_to(
        GOLDEN / "unions_by_keys" / "schemas",
        tmp_path,
        Settings(python_package=package),
    )
    sample = next(
        s
        for s in json.loads((GOLDEN / "unions_by_keys" / "samples.json").read_text())
        if s["valid"] and s["contract"] == "webhook_event.json"
    )
    script = (
        "import json, sys\n"
        f"sys.path[:0] = [{str(ROOT)!r}, {str(tmp_path / 'python')!r}]\n"
        "from runtime import Contracts\n"
        f"v = Contracts({package!r}).get('webhook_event.json')\n"
        f"v.validate_json({json.dumps(sample['data'])!r})\n"
        f"plain = Contracts({package!r}).get('webhook_event.json#/$defs/StarEvent')\n"
        "assert not plain.full_check\n"
        "try:\n"
        "    plain.validate_json(b'{}')\n"
        "except Exception as exc:\n"
        "    assert type(exc).__name__ == 'ContractViolation', exc\n"
        "else:\n"
        "    raise AssertionError('accepted')\n"
        "loader = sys.modules.get('pydantic.plugin._loader')\n"
        "print(json.dumps(loader is None or loader._plugins is None))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert json.loads(done.stdout) is True
