"""Real-world schemas: SchemaStore-derived schemas vendored in check-jsonschema.

    python benchmarks/realworld.py [--json PATH] [--only NAME]

Fetches the ``check-jsonschema`` wheel (the version installed in this environment)
from the package index into a cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``,
``contracts-realworld/``), reads ``check_jsonschema/builtin_schemas/vendor/*.json``
from the wheel (nothing is committed) and, for each schema:

- compiles it as its own package, or records every reason it is refused;
- for a compiled schema: imports every generated Python module, runs
  ``mypy --strict`` over the Python package and ``tsc --strict`` over the
  TypeScript declarations;
- validates the hand-written documents of ``tests/realworld/<schema>/`` (named
  ``valid-*.json`` or ``invalid-*.json``) with the Python runtime, the generated
  TypeScript validators under Node, and check-jsonschema itself (its CLI, on the
  wheel's copy of the schema): all must give the file name's verdict.

Prints one line per schema and totals; ``--json`` writes the same as JSON (read by
``tests/test_realworld.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass, field
from importlib import import_module
from importlib.metadata import version
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: import from the repository root
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks.differential import (
    REPO,
    NodeItem,
    Package,
    Refusal,
    Workspace,
    python_verdict,
    start_node,
    tsc,
)
from codegen.compiler.naming import module_part

DOCUMENTS = REPO / "tests" / "realworld"
VENDOR = "check_jsonschema/builtin_schemas/vendor/"
BIN = Path(sys.executable).parent


@dataclass
class SampleDocument:
    name: str
    expected: bool
    python: str = ""
    node: str = ""
    check_jsonschema: str = ""

    @property
    def agree(self) -> bool:
        verdicts = (self.python, self.node, self.check_jsonschema)
        want = "valid" if self.expected else "invalid"
        return all(v.split(" ", 1)[0] == want for v in verdicts)


@dataclass
class SchemaResult:
    name: str
    draft: str
    size: int
    status: str = ""  # "compiled", "refused", "crashed"
    reasons: list[str] = field(default_factory=list)
    errors: int = 0
    contracts: int = 0
    python_import: str = ""  # "ok" or the error
    mypy: str = ""  # "ok" or the errors
    tsc: str = ""  # "ok" or the errors
    documents: list[SampleDocument] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        if self.status == "refused":
            return bool(self.reasons)
        return self.status == "compiled" and (
            self.python_import == self.mypy == self.tsc == "ok"
            and all(d.agree for d in self.documents)
        )


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "contracts-realworld"


def fetch_wheel() -> Path:
    """The check-jsonschema wheel of the installed version, from the package index."""
    wanted = version("check-jsonschema")
    folder = cache_dir()
    found = sorted(folder.glob(f"check_jsonschema-{wanted}-*.whl"))
    if not found:
        folder.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary",
                ":all:",
                "-d",
                str(folder),
                f"check-jsonschema=={wanted}",
            ],
            capture_output=True,
            text=True,
        )
        found = sorted(folder.glob(f"check_jsonschema-{wanted}-*.whl"))
        if result.returncode != 0 or not found:
            raise RuntimeError(f"pip download failed:\n{result.stdout}{result.stderr}")
    return found[-1]


def vendored(wheel: Path) -> dict[str, bytes]:
    """Schema name (file stem) -> text, for every vendored schema in the wheel."""
    with zipfile.ZipFile(wheel) as z:
        return {
            Path(n).stem: z.read(n)
            for n in sorted(z.namelist())
            if n.startswith(VENDOR) and n.endswith(".json") and n.count("/") == 3
        }


def _draft(text: bytes) -> str:
    declared = json.loads(text).get("$schema")
    return str(declared) if declared else "(none: read as 2020-12)"


def _import_all(package: Package) -> str:
    manifest = json.loads(package.files[f"python/{package.name}/manifest.json"])
    try:
        for module in sorted({e["module"] for e in manifest["contracts"]}):
            import_module(f"{package.name}.{module}")
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return "ok"


def _by_package(output: str, roots: dict[str, str]) -> dict[str, list[str]]:
    """Error lines of mypy or tsc, by the package whose files they name."""
    found: dict[str, list[str]] = {name: [] for name in roots}
    for line in output.splitlines():
        for name, prefix in roots.items():
            if prefix in line and ("error" in line):
                found[name].append(line.strip())
    return found


def _mypy(space: Workspace, packages: list[Package]) -> dict[str, list[str]]:
    if not packages:
        return {}
    args = [
        sys.executable,
        "-m",
        "mypy",
        "--strict",
        "--no-incremental",
        "--config-file",
        os.devnull,
        "--python-version",
        "3.11",
    ]
    for p in packages:
        args += ["-p", p.name]
    env = dict(os.environ, MYPYPATH=str(space.root / "python"))
    result = subprocess.run(args, env=env, capture_output=True, text=True, cwd=REPO)
    found = _by_package(result.stdout, {p.name: f"{p.name}/" for p in packages})
    if result.returncode != 0 and not any(found.values()):
        for p in packages:
            found[p.name].append(result.stdout[-500:] + result.stderr[-500:])
    return found


def _tsc(space: Workspace, packages: list[Package]) -> dict[str, list[str]]:
    if not packages:
        return {}
    modules = tsc().parent.parent
    config = {
        "compilerOptions": {
            "strict": True,
            "noEmit": True,
            "skipLibCheck": False,
            "module": "NodeNext",
            "moduleResolution": "NodeNext",
            "target": "ES2022",
            "types": ["node"],
            "typeRoots": [str(modules / "@types")],
        },
        "include": [f"ts/{p.name}/**/*.d.ts" for p in packages],
    }
    tsconfig = space.root / "tsconfig.json"
    tsconfig.write_text(json.dumps(config))
    result = subprocess.run(
        [str(tsc()), "-p", str(tsconfig)],
        capture_output=True,
        text=True,
        cwd=space.root,
    )
    found = _by_package(result.stdout, {p.name: f"ts/{p.name}/" for p in packages})
    if result.returncode != 0 and not any(found.values()):
        for p in packages:
            found[p.name].append(result.stdout[-500:] + result.stderr[-500:])
    return found


def _check_jsonschema(schema: Path, docs: list[Path]) -> dict[str, str]:
    """check-jsonschema's verdict per document (one CLI run for all of them).

    A schema whose patterns its default (ECMA-262, u flag) reading refuses as not
    a regex is read in regress's non-unicode mode, as the compiler reads escaped
    punctuation such as azure-pipelines' ``\\:`` (docs/regex.md)."""
    if not docs:
        return {}
    result = _run_check_jsonschema(schema, docs, [])
    if "is not a 'regex'" in result.stderr:
        result = _run_check_jsonschema(schema, docs, ["--regex-variant", "nonunicode"])
    try:
        report = json.loads(result.stdout)
    except json.JSONDecodeError:
        return {d.name: f"CRASH ({result.stderr.strip()[-300:]})" for d in docs}
    problems: dict[str, list[str]] = {}
    for e in report.get("errors", []) + report.get("parse_errors", []):
        name = Path(e.get("filename", "")).name
        problems.setdefault(name, []).append(
            f"{e.get('path', '')}: {e.get('message', '')}"
        )
    return {
        d.name: f"invalid ({'; '.join(problems[d.name])[:300]})"
        if d.name in problems
        else "valid"
        for d in docs
    }


def _run_check_jsonschema(
    schema: Path, docs: list[Path], options: list[str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(BIN / "check-jsonschema"),
            "--schemafile",
            str(schema),
            *options,
            "-o",
            "json",
            *[str(d) for d in docs],
        ],
        capture_output=True,
        text=True,
    )


def run(work: Path, only: str = "") -> dict[str, Any]:
    """Every vendored schema (or those whose name contains one of the
    comma-separated words of ``only``)."""
    started = time.perf_counter()
    wheel = fetch_wheel()
    words = [w for w in only.split(",") if w]
    schemas = {
        k: v
        for k, v in vendored(wheel).items()
        if not words or any(w in k for w in words)
    }
    space = Workspace(work / "out")
    results: list[SchemaResult] = []
    built: dict[str, Package] = {}
    for name, text in schemas.items():
        result = SchemaResult(name, _draft(text), len(text))
        results.append(result)
        folder = work / "src" / name
        folder.mkdir(parents=True)
        (folder / f"{name}.json").write_bytes(text)
        package = space.build(folder, f"rw_{module_part(name)}")
        if isinstance(package, Refusal):
            result.status = "crashed" if package.crash else "refused"
            result.reasons = package.reasons()
            result.errors = len(package.errors)
            continue
        result.status = "compiled"
        result.contracts = len(package.contracts)
        result.python_import = _import_all(package)
        built[name] = package
    mypy = _mypy(space, list(built.values()))
    tsc_errors = _tsc(space, list(built.values()))
    items: list[NodeItem] = []
    pending: list[SampleDocument] = []
    for result in results:
        if result.status != "compiled":
            continue
        package = built[result.name]
        errors = mypy[package.name]
        result.mypy = "ok" if not errors else "\n".join(errors[:20])
        errors = tsc_errors[package.name]
        result.tsc = "ok" if not errors else "\n".join(errors[:20])
        docs = sorted((DOCUMENTS / result.name).glob("*.json"))
        reference = _check_jsonschema(
            work / "src" / result.name / f"{result.name}.json", docs
        )
        for path in docs:
            doc = SampleDocument(path.name, path.name.startswith("valid-"))
            document = path.read_text(encoding="utf-8")
            contract = f"{result.name}.json"
            doc.python = python_verdict(package.name, contract, document).show()
            doc.check_jsonschema = reference[path.name]
            items.append(NodeItem(package.ts, contract, document))
            pending.append(doc)
            result.documents.append(doc)
    for doc, verdict in zip(pending, start_node(items).result(), strict=True):
        doc.node = verdict.show()
    unknown = (
        sorted(
            p.name for p in DOCUMENTS.iterdir() if p.is_dir() and p.name not in schemas
        )
        if DOCUMENTS.is_dir() and not only
        else []
    )
    return {
        "wheel": wheel.name,
        "seconds": round(time.perf_counter() - started, 1),
        "schemas": [_as_json(r) for r in results],
        "compiled": sum(r.status == "compiled" for r in results),
        "refused": sum(r.status == "refused" for r in results),
        "crashed": sum(r.status == "crashed" for r in results),
        "documents": sum(len(r.documents) for r in results),
        "documents_agreeing": sum(d.agree for r in results for d in r.documents),
        "unknown_document_folders": unknown,
    }


def _as_json(result: SchemaResult) -> dict[str, Any]:
    data = asdict(result) | {"ok": result.ok}
    for doc, entry in zip(result.documents, data["documents"], strict=True):
        entry["agree"] = doc.agree
    return data


def render(report: dict[str, Any]) -> str:
    lines = [
        f"check-jsonschema vendored schemas ({report['wheel']}), {report['seconds']} s",
        "",
        f"{'schema':<22} {'draft':<10} {'status':<9} {'contracts':>9}"
        f" {'import':>6} {'mypy':>5} {'tsc':>5} {'documents':>9}",
    ]
    for r in report["schemas"]:
        draft = (
            "2020-12"
            if "2020-12" in r["draft"]
            else ("draft-07" if "draft-07" in r["draft"] else r["draft"][:10])
        )
        docs = r["documents"]
        agreeing = sum(d["agree"] for d in docs)
        cells = (
            f"{r['contracts']:>9} {_mark(r['python_import']):>6}"
            f" {_mark(r['mypy']):>5} {_mark(r['tsc']):>5}"
            f" {agreeing:>4}/{len(docs):<4}"
            if r["status"] == "compiled"
            else f"{'':>9} {'':>6} {'':>5} {'':>5} {'':>9}"
        )
        lines.append(f"{r['name']:<22} {draft:<10} {r['status']:<9} {cells}")
        if r["status"] != "compiled":
            shown = ", ".join(r["reasons"][:6])
            more = f" (+{len(r['reasons']) - 6} more)" if len(r["reasons"]) > 6 else ""
            lines.append(f"    {r['errors']} errors: {shown}{more}")
    total = len(report["schemas"])
    lines += [
        "",
        f"{total} schemas: {report['compiled']} compile in both languages,"
        f" {report['refused']} refused with a reason, {report['crashed']} crash",
        f"{report['documents']} hand-written documents:"
        f" {report['documents_agreeing']} get the same verdict from their name,"
        " Python, Node and check-jsonschema",
    ]
    for r in report["schemas"]:
        for what in ("python_import", "mypy", "tsc"):
            if r["status"] == "compiled" and r[what] != "ok":
                lines.append(f"{r['name']}: {what} failed:\n  {r[what][:2000]}")
        for d in r["documents"]:
            if not d["agree"]:
                lines.append(
                    f"{r['name']}/{d['name']}: expected"
                    f" {'valid' if d['expected'] else 'invalid'}\n"
                    f"    python: {d['python'][:300]}\n    node:   {d['node'][:300]}\n"
                    f"    check-jsonschema: {d['check_jsonschema'][:300]}"
                )
    if report["unknown_document_folders"]:
        lines.append(
            f"document folders with no schema: {report['unknown_document_folders']}"
        )
    return "\n".join(lines)


def _mark(value: str) -> str:
    return "ok" if value == "ok" else "FAIL"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="write the report as JSON here")
    parser.add_argument("--work", type=Path, help="keep generated packages here")
    parser.add_argument(
        "--only",
        default="",
        help="schemas whose name contains one of these (comma-separated)",
    )
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="realworld-"))
    if args.work and work.exists():
        shutil.rmtree(work)
    try:
        report = run(work, args.only)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    print(render(report))
    if args.json:
        args.json.write_text(json.dumps(report, indent=1) + "\n")
    failed = not all(r["ok"] for r in report["schemas"])
    return 1 if failed or report["unknown_document_folders"] else 0


if __name__ == "__main__":
    sys.exit(main())
