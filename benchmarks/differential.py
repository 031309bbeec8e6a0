"""Verdicts of generated contracts in Python, in Node and in a reference validator.

Shared by the conformance runner (``benchmarks/conformance.py``), the real-world
schema check (``benchmarks/realworld.py``) and the differential fuzz test
(``tests/test_fuzz.py``):

- :class:`Workspace` compiles folders of schemas in process and lays many generated
  packages side by side: ``<root>/python/<package>/`` (one folder on ``sys.path``
  for all of them) and ``<root>/ts/<package>/`` (Ajv found through one
  ``<root>/node_modules`` link).
- :func:`python_verdict` is the Python runtime: ``Contracts(package).get(contract)
  .validate_json(text)`` (generated Pydantic models plus the full check).
- :func:`start_node` runs the generated TypeScript validators for a batch of
  instances in Node (``conformance_node/verdicts.mjs``, one process per CPU), in
  the background, so Python verdicts are computed meanwhile; :class:`NodeWorker`
  is one long-lived Node process answering one instance at a time
  (``conformance_node/worker.mjs``), for hypothesis.
- :func:`reference_validator` is ``jsonschema`` over the source schemas.

A verdict is valid, invalid, or a crash (anything but a contract violation: an
import error, an exception in a validator); a crash is never counted as a verdict.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag, urljoin

import referencing
from jsonschema import Draft7Validator, Draft202012Validator, FormatChecker
from jsonschema.protocols import Validator
from referencing.jsonschema import DRAFT7, DRAFT202012

from benchmarks.npm import npm_ci
from codegen.api import generate
from codegen.emit import Settings
from codegen.errors import CompileError, ContractError
from runtime import Contracts, ContractViolation

REPO = Path(__file__).resolve().parent.parent
NODE_PROJECT = REPO / "benchmarks" / "conformance_node"
NODE = shutil.which("node") or "node"
NPM = shutil.which("npm") or "npm"
JS_SAFE = 2**53
ROOT_URI = "file:///schemas/"


@dataclass(frozen=True)
class RuntimeVerdict:
    """``valid`` is None for a crash; ``detail`` lists violations or the crash."""

    valid: bool | None
    detail: str = ""

    def show(self) -> str:
        if self.valid is None:
            return f"CRASH ({self.detail})"
        return "valid" if self.valid else f"invalid ({self.detail})"


def node_modules() -> Path:
    """``conformance_node/node_modules`` (Ajv, tsc), installed from the lockfile."""
    return npm_ci(NODE_PROJECT)


def tsc() -> Path:
    return node_modules() / ".bin" / "tsc"


@dataclass(frozen=True)
class Refusal:
    """The compiler refused a folder: its errors, or a crash of the compiler."""

    errors: tuple[ContractError, ...]
    crash: str = ""

    def reasons(self) -> list[str]:
        if self.crash:
            return [f"compiler-crash: {self.crash}"]
        return sorted({reason(e) for e in self.errors})


def reason(error: ContractError) -> str:
    """A refusal's reason: its code, with the format or keyword where it has one."""
    detail = ""
    if error.code == "unsupported-format":
        detail = error.message.split("'")[1]
    elif error.code == "unknown-keyword":
        detail = error.pointer.rsplit("/", 1)[-1].replace("~1", "/").replace("~0", "~")
    elif error.code == "remote-ref":
        target = error.message.split(" points to ", 1)[-1].split(",", 1)[0]
        detail = urldefrag(target).url
    elif error.code == "unsupported-draft":
        detail = error.message.removeprefix("unsupported $schema ")
    return f"{error.code} ({detail})" if detail else error.code


@dataclass(frozen=True)
class Package:
    """A generated package in a workspace."""

    name: str
    ts: Path
    contracts: tuple[str, ...]
    files: dict[str, bytes] = field(repr=False, compare=False)


class Workspace:
    """Many generated packages side by side, for one Python and one Node process."""

    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "python").mkdir(parents=True, exist_ok=True)
        (root / "ts").mkdir(parents=True, exist_ok=True)
        link = root / "node_modules"
        if not link.exists():
            link.symlink_to(node_modules(), target_is_directory=True)
        if str(root / "python") not in sys.path:
            sys.path.insert(0, str(root / "python"))

    def build(self, schemas: Path, package: str) -> Package | Refusal:
        """Compile ``schemas`` as ``package`` and write it, or say why not."""
        try:
            result = generate(
                schemas, Settings(python_package=package, npm_package=package)
            )
        except CompileError as exc:
            return Refusal(exc.errors)
        except Exception as exc:  # a crash of the compiler is a finding, not a stop
            return Refusal((), f"{type(exc).__name__}: {exc}")
        ts = self.root / "ts" / package
        for rel, content in result.files.items():
            top, _, rest = rel.partition("/")
            if top == "python" and rest.startswith(package + "/"):
                path = self.root / "python" / rest
            elif top == "ts":
                path = ts / rest
            else:
                continue  # python/pyproject.toml: not needed to import the package
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        manifest = json.loads(result.files[f"python/{package}/manifest.json"])
        contracts = tuple(e["contract"] for e in manifest["contracts"])
        return Package(package, ts, contracts, result.files)


_CONTRACTS: dict[str, Contracts | Exception] = {}


def python_verdict(package: str, contract: str, text: str) -> RuntimeVerdict:
    """The Python runtime's verdict on JSON text (what a Python service sees)."""
    contracts = _CONTRACTS.get(package)
    if contracts is None:
        try:
            contracts = Contracts(package)
        except Exception as exc:
            contracts = exc
        _CONTRACTS[package] = contracts
    if isinstance(contracts, Exception):
        return RuntimeVerdict(
            None, f"import failed: {type(contracts).__name__}: {contracts}"
        )
    try:
        contracts.get(contract).validate_json(text.encode("utf-8"))
    except ContractViolation as exc:
        return RuntimeVerdict(
            False,
            "; ".join(
                f"{v.pointer or '/'}: expected {v.expected}, got {v.got}"
                for v in exc.violations
            ),
        )
    except Exception as exc:
        return RuntimeVerdict(None, f"{type(exc).__name__}: {exc}")
    return RuntimeVerdict(True)


@dataclass(frozen=True)
class NodeItem:
    ts: Path
    contract: str
    text: str


class NodeBatch:
    """One Node process validating a batch; :meth:`result` waits for it."""

    def __init__(self, items: Sequence[NodeItem]) -> None:
        self.items = list(items)
        payload = [
            {"pkg": str(i.ts), "contract": i.contract, "text": i.text}
            for i in self.items
        ]
        self._proc: subprocess.Popen[str] | None = None
        self._input = json.dumps(payload)
        if self.items:
            self._proc = subprocess.Popen(
                [NODE, "--stack-size=4000", str(NODE_PROJECT / "verdicts.mjs")],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            )

    def result(self, timeout: float = 600) -> list[RuntimeVerdict]:
        if self._proc is None:
            return []
        out, err = self._proc.communicate(self._input, timeout=timeout)
        if self._proc.returncode != 0:
            return self._isolate(err)
        verdicts = []
        for entry in json.loads(out):
            if "crash" in entry:
                verdicts.append(RuntimeVerdict(None, entry["crash"]))
            else:
                verdicts.append(
                    RuntimeVerdict(entry["valid"], "; ".join(entry.get("errors", [])))
                )
        return verdicts

    def _isolate(self, err: str) -> list[RuntimeVerdict]:
        """The process died: run each package alone, so one bad package is named."""
        packages = sorted({i.ts for i in self.items})
        if len(packages) == 1:
            tail = err.strip().splitlines()[-3:]
            return [RuntimeVerdict(None, "node died: " + " | ".join(tail))] * len(
                self.items
            )
        by_package: dict[Path, list[RuntimeVerdict]] = {}
        for ts in packages:
            part = [i for i in self.items if i.ts == ts]
            by_package[ts] = NodeBatch(part).result()
        return [by_package[i.ts].pop(0) for i in self.items]


class NodeRun:
    """Several :class:`NodeBatch` es (split at package boundaries), as one."""

    def __init__(self, items: Sequence[NodeItem], processes: int) -> None:
        chunks: list[list[NodeItem]] = []
        size = max(1, -(-len(items) // max(1, processes)))
        for item in items:
            if not chunks or (len(chunks[-1]) >= size and chunks[-1][-1].ts != item.ts):
                chunks.append([])
            chunks[-1].append(item)
        self.batches = [NodeBatch(chunk) for chunk in chunks]

    def result(self, timeout: float = 1800) -> list[RuntimeVerdict]:
        return [v for batch in self.batches for v in batch.result(timeout)]


def start_node(items: Sequence[NodeItem], processes: int = 0) -> NodeRun:
    """Start validating ``items`` in Node (one process per CPU unless ``processes``
    says otherwise), in the background; ``.result()`` waits for the verdicts."""
    return NodeRun(items, processes or os.cpu_count() or 1)


class NodeWorker:
    """One long-lived Node process answering one instance at a time (for tests
    that draw instances one by one, e.g. hypothesis)."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            [NODE, "--stack-size=4000", str(NODE_PROJECT / "worker.mjs")],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            bufsize=1,
        )

    def verdict(self, ts: Path, contract: str, text: str) -> RuntimeVerdict:
        proc = self._proc
        assert proc.stdin is not None and proc.stdout is not None
        request = {"pkg": str(ts), "contract": contract, "text": text}
        proc.stdin.write(json.dumps(request) + "\n")
        proc.stdin.flush()
        line = proc.stdout.readline()
        if not line:
            assert proc.stderr is not None
            raise RuntimeError(f"node worker died: {proc.stderr.read()[-2000:]}")
        entry = json.loads(line)
        if "crash" in entry:
            return RuntimeVerdict(None, entry["crash"])
        return RuntimeVerdict(entry["valid"], "; ".join(entry.get("errors", [])))

    def close(self) -> None:
        if self._proc.stdin is not None:
            self._proc.stdin.close()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()
        for stream in (self._proc.stdout, self._proc.stderr):
            if stream is not None:
                stream.close()


def js_exact(value: Any) -> bool:
    """Whether ``JSON.parse`` keeps every number of ``value`` (|integer| <= 2**53)."""
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return abs(value) <= JS_SAFE
    if isinstance(value, list):
        return all(js_exact(v) for v in value)
    if isinstance(value, dict):
        return all(js_exact(v) for v in value.values())
    return True


def reference_validator(schemas: Path, contract: str, aligned: bool) -> Validator:
    """``jsonschema`` over the source schemas (registered by path and ``$id``).

    ``aligned`` swaps in the semantics the contracts document (README: formats by the
    package's own checkers, ``pattern`` as ECMA-262, ``multipleOf`` in decimal);
    without it, stock ``jsonschema`` with its own format checkers.
    """
    from runtime import support as pysupport

    resources = []
    drafts: dict[str, type[Validator]] = {}
    bases: dict[str, str] = {}
    for path in sorted(schemas.rglob("*.json")):
        rel = path.relative_to(schemas).as_posix()
        if rel == "catalog.json":
            continue
        contents = json.loads(path.read_text(encoding="utf-8"))
        seven = isinstance(contents, dict) and "draft-07" in str(
            contents.get("$schema", "")
        )
        spec = DRAFT7 if seven else DRAFT202012
        if aligned and isinstance(contents, dict):
            # jsonschema picks the validator class of a subschema's "$schema" when
            # it descends into it (Validator.evolve), which would swap our
            # pattern/multipleOf overrides for the stock ones: drop it (each
            # file's draft is known here) so the overrides hold everywhere.
            contents = {k: v for k, v in contents.items() if k != "$schema"}
        resource = spec.create_resource(contents)
        uri = ROOT_URI + rel
        drafts[rel] = Draft7Validator if seven else Draft202012Validator
        resources.append((uri, resource))
        bases[rel] = uri
        declared = resource.id()
        if isinstance(declared, str):
            bases[rel] = urldefrag(urljoin(uri, declared)).url
            resources.append((bases[rel], resource))
    registry: referencing.Registry[Any] = referencing.Registry().with_resources(
        resources
    )
    file, hash_, fragment = contract.partition("#")
    cls = drafts[file]
    checker: FormatChecker = cls.FORMAT_CHECKER
    if aligned:
        from runtime._fullcheck import _drafts, _format_checker

        cls = _drafts(pysupport)["7" if cls is Draft7Validator else "2020-12"]
        checker = _format_checker(pysupport)
    # Enter the file by its $id: a resource looked up by another URI keeps that URI
    # as its base in referencing, and its relative $refs would then miss.
    return cls(
        {"$ref": bases[file] + hash_ + fragment},
        registry=registry,
        format_checker=checker,
    )


def environment() -> dict[str, str]:
    """Versions of the tools a report depends on."""
    from importlib.metadata import version

    node = subprocess.run([NODE, "--version"], capture_output=True, text=True)
    return {
        "python": sys.version.split()[0],
        "pydantic": version("pydantic"),
        "jsonschema": version("jsonschema"),
        "node": node.stdout.strip(),
        "platform": sys.platform,
        "cpus": str(os.cpu_count()),
    }
