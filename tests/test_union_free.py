"""A refusal of a contract none of whose schema files holds a ``oneOf`` or
``anyOf`` is worded without the union report (which reads and parses every
schema file of the package: runtime/_schemafiles.py ``union_free``), in the same
words as with it."""

from __future__ import annotations

import json
from pathlib import Path

from runtime import Contracts, ContractViolation
from tests.conftest import GOLDEN, sample_cases
from tests.test_first_refusal import _package
from tests.test_wording_speed import _mutations


def _words(contracts: Contracts, contract: str, raw: bytes) -> str | None:
    try:
        contracts.get(contract).validate_json(raw)
    except ContractViolation as exc:
        return str(exc)
    return None


def test_a_refusal_without_unions_is_worded_as_with_the_union_report(
    tmp_path: Path, clean_modules: None
) -> None:
    skipped = explained = 0
    for case in sample_cases():
        package = _package(case.name, tmp_path / case.name)
        samples = json.loads((GOLDEN / case.name / "samples.json").read_text())
        for sample in samples:
            contract = sample["contract"]
            for instance in _mutations(sample["data"]):
                raw = json.dumps(instance).encode()
                lean, full = Contracts(package), Contracts(package)
                full.get(contract).__dict__["_union_free"] = False  # always asked
                words = _words(lean, contract, raw)
                assert words == _words(full, contract, raw), (case.name, instance)
                if words is None:
                    continue
                if lean.get(contract)._union_free:
                    assert "union_report" not in lean.__dict__
                    skipped += 1
                else:
                    explained += 1
    assert skipped > 100 and explained > 100, (skipped, explained)
