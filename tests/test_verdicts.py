"""Generated models + the runtime agree with jsonschema (the reference) on samples.

Every golden case's ``samples.json`` and every ``tests/samples/<contract>/`` file
is validated three ways: the sample's own label, the reference validator, and the
runtime (generated Pydantic models plus the full check where the compiler asked
for it). All three must agree. Valid samples must also round-trip: the model
dumped back to JSON is still valid, and equal to the input as JSON.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from codegen.api import generate_to
from codegen.emit import Settings
from runtime import Contracts, ContractViolation
from runtime.support import json_equal
from tests.conftest import ROOT, package_name, reference_validator, sample_cases


def _runtime_verdict(
    contracts: Contracts, contract: str, data: Any
) -> tuple[bool, Any]:
    try:
        value = contracts.get(contract).validate_json(json.dumps(data).encode())
    except ContractViolation as exc:
        assert exc.violations, "a violation must list at least one error"
        for v in exc.violations:
            assert v.expected and v.got and v.pointer.startswith(("/", "")), v
        return False, None
    return True, value


def _dump(value: Any) -> Any:
    from pydantic import BaseModel, TypeAdapter

    if isinstance(value, BaseModel):
        return json.loads(value.to_json())  # type: ignore[attr-defined]
    return json.loads(
        TypeAdapter(Any).dump_json(value, by_alias=True, exclude_unset=True)
    )


def _check_samples(
    schemas: Path, contracts: Contracts, samples: list[dict[str, Any]], label: str
) -> tuple[int, int]:
    valid = invalid = 0
    failures = []
    for s in samples:
        reference = reference_validator(schemas, s["contract"])
        ref_ok = reference.is_valid(s["data"])
        ok, value = _runtime_verdict(contracts, s["contract"], s["data"])
        if not (ok == ref_ok == s["valid"]):
            failures.append(
                f"{label} {s['contract']} ({s.get('note', '')}): label={s['valid']}"
                f" reference={ref_ok} runtime={ok}"
            )
            continue
        if ok:
            valid += 1
            dumped = _dump(value)
            if not reference.is_valid(dumped):
                failures.append(f"{label} {s['contract']}: dump is not valid: {dumped}")
            elif not json_equal(dumped, s["data"]):
                failures.append(
                    f"{label} {s['contract']}: round trip changed"
                    f" {s['data']} -> {dumped}"
                )
        else:
            invalid += 1
    assert not failures, "\n".join(failures)
    return valid, invalid


@pytest.mark.parametrize("case", sample_cases(), ids=lambda p: p.name)
def test_golden_samples_agree(case: Path, tmp_path: Path, clean_modules: None) -> None:
    package = package_name(case)
    generate_to(case / "schemas", tmp_path, Settings(python_package=package))
    sys.path.insert(0, str(tmp_path / "python"))
    samples = json.loads((case / "samples.json").read_text())
    valid, invalid = _check_samples(
        case / "schemas", Contracts(package), samples, case.name
    )
    print(f"{case.name}: {valid} valid, {invalid} invalid agree")
    assert valid >= 4 and invalid >= 6


def _repo_samples() -> list[dict[str, Any]]:
    samples = []
    root = ROOT / "tests" / "samples"
    for path in sorted(root.rglob("*.json")):
        contract = path.parent.relative_to(root).as_posix() + ".json"
        samples.append(
            {
                "contract": contract,
                "valid": path.name.startswith("valid-"),
                "note": path.name,
                "data": json.loads(path.read_text()),
            }
        )
    return samples


def test_repo_samples_agree(tmp_path: Path, clean_modules: None) -> None:
    generate_to(ROOT / "schemas", tmp_path, Settings(python_package="repo_contracts"))
    sys.path.insert(0, str(tmp_path / "python"))
    samples = _repo_samples()
    contracts = {s["contract"] for s in samples}
    assert len(contracts) >= 10
    valid, invalid = _check_samples(
        ROOT / "schemas", Contracts("repo_contracts"), samples, "schemas"
    )
    print(
        f"schemas/: {valid} valid, {invalid} invalid agree"
        f" over {len(contracts)} contracts"
    )
