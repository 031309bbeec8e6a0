"""``contracts validate``: JSON documents against a contract, through generated code.

The Python runtime (generated Pydantic models + full check) is the default; with
``--runtime node`` the same documents go through the generated npm package's
validators under ``node``. Both print the same verdicts in the same shape.
"""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from codegen.api import generate
from codegen.emit import Settings, diff, write

Runtime = Literal["python", "node"]


class ValidateError(Exception):
    """Validation could not run (unknown contract, no node, npm failure)."""


@dataclass(frozen=True)
class DocumentVerdict:
    document: str
    valid: bool
    errors: tuple[str, ...]


def prepare(
    schemas: Path, out: Path, settings: Settings, runtime: Runtime = "python"
) -> tuple[Path, str | None]:
    """The folder of the generated package (``python/`` or ``ts/``) to validate with.

    ``out``'s when it is what ``schemas`` gives; else a fresh generation in a
    temporary folder, with a note saying so.
    """
    sub = "python/" if runtime == "python" else "ts/"
    result = generate(schemas, settings)
    wanted = {k: v for k, v in result.files.items() if k.startswith(sub)}
    if not [
        line for line in diff(out, wanted) if line.split(": ", 1)[1].startswith(sub)
    ]:
        return out / sub, None
    tmp = Path(tempfile.mkdtemp(prefix="contracts-validate-"))
    write(tmp, wanted)
    note = f"note: {out / sub} is stale or missing; validated with code generated now"
    return tmp / sub, note


def validate_package_path(python_root: Path, package: str) -> None:
    """Import ``package`` from ``python_root`` (the generated folder) from now on."""
    for name in list(sys.modules):
        if name == package or name.startswith(package + "."):
            del sys.modules[name]
    sys.path.insert(0, str(python_root))
    importlib.invalidate_caches()


def validate_python(
    python_root: Path, package: str, contract: str, documents: list[Path]
) -> list[DocumentVerdict]:
    validate_package_path(python_root, package)
    from runtime import Contracts, ContractViolation, UnknownContract

    try:
        validator = Contracts(package).get(contract)
    except UnknownContract as exc:
        raise ValidateError(str(exc)) from None
    verdicts = []
    for doc in documents:
        try:
            validator.validate_json(doc.read_bytes())
        except ContractViolation as exc:
            errors = tuple(str(v) for v in exc.violations)
            verdicts.append(DocumentVerdict(str(doc), False, errors))
        else:
            verdicts.append(DocumentVerdict(str(doc), True, ()))
    return verdicts


def ensure_node_modules(ts_root: Path) -> None:
    """Install the package's dependencies (Ajv, re2js, cfworker) next to it, once."""
    deps = ("ajv", "re2js", "@cfworker/json-schema")
    if all((ts_root / "node_modules" / dep).is_dir() for dep in deps):
        return
    npm = shutil.which("npm")
    if npm is None:
        raise ValidateError("npm is not installed; it is needed for --runtime node")
    result = subprocess.run(
        [npm, "install", "--omit=dev", "--no-package-lock", "--no-audit", "--no-fund"],
        cwd=ts_root,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise ValidateError(f"npm install failed in {ts_root}:\n{result.stderr}")


def validate_node(
    ts_root: Path, contract: str, documents: list[Path]
) -> list[DocumentVerdict]:
    node = shutil.which("node")
    if node is None:
        raise ValidateError("node is not installed; it is needed for --runtime node")
    ensure_node_modules(ts_root)
    payload = {
        "contract": contract,
        "documents": [
            {"document": str(d), "text": d.read_bytes().decode("utf-8", "replace")}
            for d in documents
        ],
    }
    result = subprocess.run(
        [node, str(ts_root / "_validate.js")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise ValidateError(result.stderr.strip().removeprefix("error: "))
    return [
        DocumentVerdict(v["document"], v["valid"], tuple(v["errors"]))
        for v in json.loads(result.stdout)
    ]
