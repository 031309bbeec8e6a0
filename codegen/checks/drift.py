"""``contracts drift``: do the Python package, the npm package and the schemas agree?

Compares, contract by contract, the fingerprints in the generated Python package's
manifest, the generated npm package's manifest, and a fresh compile of the schemas.
Live drift between running services is :mod:`codegen.checks.livedrift`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from codegen.api import generate
from codegen.emit import Settings


@dataclass(frozen=True)
class DriftFinding:
    contract: str
    schemas: str | None
    python: str | None
    node: str | None

    def __str__(self) -> str:
        def show(value: str | None) -> str:
            return value[7:19] if value else "missing"

        return (
            f"{self.contract}: schemas {show(self.schemas)},"
            f" python {show(self.python)}, node {show(self.node)}"
        )


def _manifest(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return {e["contract"]: e["fingerprint"] for e in data["contracts"]}


def static_drift(schemas: Path, out: Path, settings: Settings) -> list[DriftFinding]:
    """Every contract whose fingerprint is not the same in all three places."""
    files = generate(schemas, settings).files
    fresh_manifest = json.loads(
        files[f"python/{settings.python_package}/manifest.json"]
    )
    fresh = {e["contract"]: e["fingerprint"] for e in fresh_manifest["contracts"]}
    python = _manifest(out / "python" / settings.python_package / "manifest.json")
    node = _manifest(out / "ts" / "manifest.json")
    findings = []
    for contract in sorted(set(fresh) | set(python) | set(node)):
        prints = (fresh.get(contract), python.get(contract), node.get(contract))
        if len(set(prints)) != 1:
            findings.append(DriftFinding(contract, *prints))
    return findings
