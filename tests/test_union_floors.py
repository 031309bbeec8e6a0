"""The Python union report's floors (runtime/_bounds.py) pick the branch asking
every branch picks, with the same words: a branch's floor (the members its errors
surely touch, found without asking it) is never above the count closeness finds
when it is asked, on every golden sample and its one-place mutations and on
events that share their action (the webhook union's 19 "edited" events); and a
floor that is wrong is caught. As tests/test_union_prune_node.py for Node."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from runtime import Contracts
from tests.conftest import package_name, sample_cases
from tests.test_union_prune import _generated, _instances
from tests.test_union_prune_node import edited_documents, edited_events
from tests.test_wording_speed import _text


def _audit(contracts: Contracts, items: list[tuple[str, Any]]) -> dict[str, list[Any]]:
    """Each refused item worded three ways: with floors (what a service gets),
    asking every branch (floors off), and audited (every branch asked, each
    branch's floor and count kept). The texts that differ, and the floors found
    above their count; ``asked``: how many branches the audit saw."""
    report = contracts.union_report
    found: dict[str, list[Any]] = {"differ": [], "above": [], "asked": []}
    for contract, instance in items:
        pruned = _text(contracts, contract, instance)
        report.floors = False
        try:
            plain = _text(contracts, contract, instance)
        finally:
            report.floors = True
        audit: list[tuple[int, int]] = []
        report.audit = audit
        try:
            audited = _text(contracts, contract, instance)
        finally:
            report.audit = None
        if not pruned == plain == audited:
            found["differ"].append((contract, instance, pruned, plain))
        found["above"] += [(contract, instance, f) for f in audit if f[0] > f[1]]
        found["asked"] += [f for f in audit if f[0] > 0]
    return found


@pytest.mark.parametrize("case", sample_cases(), ids=lambda p: p.name)
def test_golden_samples_keep_their_words(
    case: Path, tmp_path: Path, clean_modules: None
) -> None:
    package = package_name(case)
    _generated(case / "schemas", tmp_path, package)
    samples = json.loads((case / "samples.json").read_text())
    items = [
        (s["contract"], instance)
        for s in samples
        for instance in _instances([s["data"]], 60)
    ]
    found = _audit(Contracts(package), items)
    assert not found["differ"], found["differ"][:3]
    assert not found["above"], found["above"][:5]


def _hook(tmp_path: Path, package: str) -> list[tuple[str, Any]]:
    """tests/test_union_prune_node.py's events sharing "edited", and documents."""
    schema = edited_events()
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "hook.json").write_text(json.dumps(schema))
    _generated(tmp_path / "schemas", tmp_path, package)
    return [("hook.json", d) for d in _instances(edited_documents(), 400)]


def test_floors_find_the_closest_branch(tmp_path: Path, clean_modules: None) -> None:
    """The closest is found from the floors, whatever its place, through nested
    and tagged unions, with a pattern, an additionalProperties schema, a type list
    and a union beside the properties (no floor there)."""
    items = _hook(tmp_path, "floors_hook")
    found = _audit(Contracts("floors_hook"), items)
    assert not found["differ"], found["differ"][:3]
    assert not found["above"], found["above"][:5]
    assert len(found["asked"]) > 300  # branches with a floor above 0


def test_a_wrong_floor_is_caught(tmp_path: Path, clean_modules: None) -> None:
    """A floor above the count (every member, and one more) is found above, and
    changes the words: the audit would fail."""
    items = _hook(tmp_path, "floors_wrong")
    contracts = Contracts("floors_wrong")
    report = contracts.union_report

    def wrong(path: str, pointer: str, value: Any, depth: int = 0) -> set[str]:
        return {*value, "~"} if isinstance(value, dict) else set()

    report.bounds.sure = wrong  # type: ignore[method-assign]
    found = _audit(contracts, items)
    assert found["above"]
    assert found["differ"]
