"""The refusal path's shortcuts decide nothing jsonschema would decide otherwise.

Wording a refused message asks about every branch of a failing union. Two
shortcuts make that fast (runtime/_fullcheck.py, runtime/_union_report.py):

- ``FullCheck.doomed``: a branch whose type, required properties or string
  ``const``/``enum`` tags the value breaks fails without a walk. It must never
  say so of a branch jsonschema finds valid.
- the union report's walk skips values no violation is at or below, unless the
  whole walk would reach its step limit: the unions it finds must be the ones
  the whole walk finds, in the same order.

tests/test_wording_speed.py compares the resulting texts with plain jsonschema;
here each shortcut is compared with what it stands for, on every union branch of
the golden samples, their one-place mutations, and a 66-event union.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from codegen.api import generate_to
from codegen.emit import Settings
from runtime import Contracts
from runtime._fastcheck import subschemas
from runtime._fullcheck import FullCheck
from runtime._union_report import MAX_STEPS
from runtime.jsonpointer import pointer_join
from tests.conftest import package_name, sample_cases
from tests.test_wording_speed import _mutations

DRAFT7 = "http://json-schema.org/draft-07/schema#"


def _branches(documents: dict[str, Any]) -> Iterator[tuple[str, str]]:
    """Every branch of every oneOf and anyOf: (file, pointer)."""
    for path, document in documents.items():
        for pointer, node in subschemas(document):
            for keyword in ("anyOf", "oneOf"):
                if isinstance(node.get(keyword), list):
                    for i in range(len(node[keyword])):
                        yield path, pointer_join(pointer, keyword, i)


def _doomed_agrees(package: str, instances: list[Any]) -> int:
    """How often doomed rules a branch out; asserts jsonschema agrees each time."""
    contracts = Contracts(package)
    fast = contracts.full_checker
    plain = FullCheck(package, contracts.support, plain=True)
    ruled_out, wrong = 0, []
    for path, pointer in _branches(fast.documents):
        where = path + "#" + pointer if pointer else path
        judge = plain.validator(where)
        for instance in instances:
            if fast.doomed_at(path, pointer, instance):
                ruled_out += 1
                if judge.is_valid(instance):
                    wrong.append(f"{where}: {json.dumps(instance)[:200]}")
    assert not wrong, "doomed, yet valid:\n" + "\n".join(wrong[:10])
    return ruled_out


def _generated(schemas: Path, out: Path, package: str) -> None:
    generate_to(schemas, out, Settings(python_package=package))
    sys.path.insert(0, str(out / "python"))


def _instances(samples: list[Any], most: int = 300) -> list[Any]:
    found = [m for s in samples for m in _mutations(s)]
    return found[:: max(1, len(found) // most)]


@pytest.mark.parametrize("case", sample_cases(), ids=lambda p: p.name)
def test_doomed_never_rules_out_a_valid_branch(
    case: Path, tmp_path: Path, clean_modules: None
) -> None:
    package = package_name(case)
    _generated(case / "schemas", tmp_path, package)
    samples = json.loads((case / "samples.json").read_text())
    _doomed_agrees(package, _instances([s["data"] for s in samples]))


def _events(count: int) -> dict[str, Any]:
    """A webhook-like root: a oneOf of events, each a oneOf of its actions told
    apart by an ``action`` enum, with required fields of their own."""
    defs: dict[str, Any] = {"User": {"type": "object", "required": ["login"]}}
    events = []
    for i in range(count):
        actions = []
        for action in ("created", "deleted") if i % 2 else ("opened",):
            name = f"e{i}_{action}"
            defs[name] = {
                "type": "object",
                "required": ["action", f"item_{i}", "sender"],
                "properties": {
                    "action": {"type": "string", "enum": [action]},
                    f"item_{i}": {"type": "integer"},
                    "sender": {"$ref": "#/definitions/User"},
                },
                "additionalProperties": False,
            }
            actions.append({"$ref": f"#/definitions/{name}"})
        defs[f"e{i}"] = {"oneOf": actions}
        events.append({"$ref": f"#/definitions/e{i}"})
    return {"$schema": DRAFT7, "oneOf": events, "definitions": defs}


def test_doomed_rules_out_most_events_of_a_66_event_union(
    tmp_path: Path, clean_modules: None
) -> None:
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "hook.json").write_text(json.dumps(_events(66)))
    _generated(tmp_path / "schemas", tmp_path, "prune_hook")
    docs = [
        {"action": "created", "item_41": "x", "sender": {"login": "ada"}},
        {"action": "opened", "item_40": 1, "sender": {}},
        {"item_7": 1, "sender": {"login": "ada"}},
    ]
    ruled_out = _doomed_agrees("prune_hook", _instances(docs, 200))
    assert ruled_out > 1000
    full = Contracts("prune_hook").full_checker
    # The first document: of the 99 actions, only e41's "created" has both its
    # action and its item; the rest need no walk to be ruled out.
    actions = [p for p in _branches(full.documents) if "/definitions/" in p[1]]
    alive = [p for p in actions if not full.doomed_at(*p, docs[0])]
    assert len(actions) == 99
    assert alive == [("hook.json", "/definitions/e41/oneOf/0")]


def _sites(contracts: Contracts, contract: str, instance: Any) -> list[Any]:
    path, _, pointer = contract.partition("#")
    report = contracts.union_report
    with contracts.remembering():
        found = contracts.full_violations(contract, instance)
        near = [v.pointer for v in found]
        sites = report.sites(path, pointer, instance, "", near)
    return [(s.path, s.pointer, s.keyword, s.at) for s in sites]


def _walks_agree(contracts: Contracts, contract: str, instance: Any) -> list[Any]:
    report = contracts.union_report
    report.skips = False
    whole = _sites(contracts, contract, instance)
    report.skips = True
    assert _sites(contracts, contract, instance) == whole
    return whole


@pytest.mark.parametrize("case", sample_cases(), ids=lambda p: p.name)
def test_the_walk_finds_the_same_unions(
    case: Path, tmp_path: Path, clean_modules: None
) -> None:
    package = package_name(case)
    _generated(case / "schemas", tmp_path, package)
    contracts = Contracts(package)
    samples = json.loads((case / "samples.json").read_text())
    for sample in samples:
        for instance in _instances([sample["data"]], 60):
            _walks_agree(contracts, sample["contract"], instance)


def test_the_walk_stops_where_the_whole_walk_stops(
    tmp_path: Path, clean_modules: None
) -> None:
    """Past MAX_STEPS locations the whole walk stops (a $ref loop would never
    end); a union beyond that point is not reported, with skipping or not."""
    schema = {
        "$schema": DRAFT7,
        "type": "array",
        "items": {"oneOf": [{"type": "integer"}, {"type": "null"}]},
    }
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "list.json").write_text(json.dumps(schema))
    _generated(tmp_path / "schemas", tmp_path, "prune_list")
    contracts = Contracts("prune_list")
    near_end: list[Any] = [1] * (MAX_STEPS + 50)
    near_end[-1] = "x"
    assert _walks_agree(contracts, "list.json", near_end) == []
    early: list[Any] = [1] * (MAX_STEPS + 50)
    early[5] = "x"
    assert _walks_agree(contracts, "list.json", early) == [
        ("list.json", "/items", "oneOf", "/5")
    ]
