"""``contracts validate``: JSON documents against a contract, through generated code."""

from __future__ import annotations

import importlib
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from codegen.api import generate
from codegen.emit import Settings, diff, write


@dataclass(frozen=True)
class Verdict:
    document: str
    valid: bool
    errors: tuple[str, ...]


def _import_package(python_root: Path, package: str) -> None:
    for name in list(sys.modules):
        if name == package or name.startswith(package + "."):
            del sys.modules[name]
    sys.path.insert(0, str(python_root))
    importlib.invalidate_caches()


def prepare(schemas: Path, out: Path, settings: Settings) -> tuple[Path, str | None]:
    """The folder holding the generated Python package to validate with.

    ``out`` when it is what ``schemas`` gives; else a fresh generation in a
    temporary folder, with a note saying so.
    """
    result = generate(schemas, settings)
    python_files = {k: v for k, v in result.files.items() if k.startswith("python/")}
    if not diff(out, python_files):
        return out / "python", None
    tmp = Path(tempfile.mkdtemp(prefix="contracts-validate-"))
    write(tmp, python_files)
    note = f"note: {out} is stale or missing; validated with models generated in memory"
    return tmp / "python", note


def validate_documents(
    python_root: Path, package: str, contract: str, documents: list[Path]
) -> list[Verdict]:
    _import_package(python_root, package)
    from runtime import Contracts, ContractViolation

    validator = Contracts(package).get(contract)
    verdicts = []
    for doc in documents:
        try:
            validator.validate_json(doc.read_bytes())
        except ContractViolation as exc:
            verdicts.append(
                Verdict(str(doc), False, tuple(str(v) for v in exc.violations))
            )
        else:
            verdicts.append(Verdict(str(doc), True, ()))
    return verdicts
