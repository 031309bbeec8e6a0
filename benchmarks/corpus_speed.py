"""Python vs Node on a real-world corpus: time per document, import, first validation.

    python benchmarks/corpus_speed.py [--corpus NAME|all] [--limit N] [--rounds R]
                                      [--no-reference] [--synthetic EVENTS]

Compiles a real-world corpus (``benchmarks/corpora.py``: github-webhooks by
default, asyncapi, openapi-3.1, or all of them, one after the other; a corpus the
compiler refuses is reported with its refusals per code) into one Python and
one npm package (Python bytecode compiled first, as an install does), then, each in a
fresh process:

- Python: imports the contract's module (``import``), validates the first document
  (``first``: the model's validator and the full check are built on first use; and,
  in another fresh process, the first valid document alone), then
  validates every document ``R`` times with ``Contracts(...).get(contract)
  .validate_json`` (what a Python service calls), each call timed alone;
- Node: imports the package's ``_runtime.js``, the same for ``contract(...).parseJson``.

Then the import of a package of about 650 models compiled from the synthetic event
set (``benchmarks/synth.py``): every module in one fresh process, and the first
validation of one contract alone (its import included) in another.

Import and first validation are timed as wall and as CPU time (user + system of
the process: steadier on a shared machine). Prints the figures and the ratios
Python/Node, and the verdicts: Python, Node and
the reference validator (``jsonschema`` over the source schema) must agree on every
document (exit 1 otherwise). Per-document figures are means over the fastest round,
for all documents and for the valid and the invalid ones apart; the machine is
shared, so run it a few times and read ranges.
"""

from __future__ import annotations

import argparse
import compileall
import json
import re
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: import from the repository root
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks.corpora import CORPORA, PREPARABLE, Corpus, prepared
from benchmarks.differential import (
    NODE,
    Package,
    Refusal,
    Workspace,
    reference_validator,
)
from codegen.errors import ContractError

TIMING_JS = Path(__file__).resolve().parent / "corpora" / "timing.mjs"
RUNTIME = Path(__file__).resolve().parent.parent / "runtime"
_NODE = re.compile(r"[/\\]node[/\\]")  # runtime/node: TypeScript, no Python
# The Python children: a script that imports what a service imports (the runtime),
# not this one's imports (the compiler, jsonschema for the reference verdicts).
CHILDREN = Path(__file__).resolve().parent / "corpus_children.py"


def build(
    corpus: Corpus, work: Path, space: Workspace, name: str = "bench_corpus"
) -> tuple[Corpus, Package]:
    """The corpus compiled as shipped, else from a prepared copy (see corpora.py)."""
    package = space.build(corpus.write(work / "src"), name)
    if isinstance(package, Refusal) and _preparable(package.errors):
        keywords = {
            e.pointer.rsplit("/", 1)[-1]
            for e in package.errors
            if e.code == "unknown-keyword"
        }
        formats = {
            e.message.split("'")[1]
            for e in package.errors
            if e.code == "unsupported-format"
        }
        corpus = prepared(corpus, keywords, formats)
        package = space.build(corpus.write(work / "prepared"), name)
    if isinstance(package, Refusal):
        raise CorpusRefused(corpus.name, package)
    return corpus, package


class CorpusRefused(Exception):
    """A corpus the compiler refuses (or crashes on)."""

    def __init__(self, corpus: str, refusal: Refusal) -> None:
        super().__init__(corpus)
        self.corpus = corpus
        self.refusal = refusal


def _preparable(errors: tuple[ContractError, ...]) -> bool:
    return bool(errors) and all(e.code in PREPARABLE for e in errors)


def synthetic(work: Path, count: int) -> dict[str, Any]:
    """Import and first validation of a package compiled from ``count`` synthetic
    events (``benchmarks/synth.py``): every model, and one contract alone."""
    from benchmarks.synth import write_set

    write_set(work / "synth", count)
    space = Workspace(work / "synth-out")
    package = space.build(work / "synth", "bench_synth")
    if isinstance(package, Refusal):
        raise SystemExit(f"the synthetic set is refused: {package.reasons()}")
    root = str(space.root / "python")
    _bytecode(space, package.name)
    figures = _run(
        [sys.executable, str(CHILDREN), "--import-child", root, package.name]
    )
    contract = next(c for c in package.contracts if "#" not in c)
    first = _run(
        [sys.executable, str(CHILDREN), "--first-child", root, package.name, contract]
    )
    return {"events": count, "contract": contract, **figures, **first}


def _bytecode(space: Workspace, package: str) -> None:
    """Compile the bytecode of the package and of the runtime first, as installing
    them does (pip), so imports are timed without compiling sources. (Where
    PYTHONDONTWRITEBYTECODE is set, as on the dev machines, the runtime's modules
    were compiled from source in every child: the first refused message compiled
    runtime/_fullcheck.py, _union_report.py and _fastcheck.py, about 12 ms.)"""
    compileall.compile_dir(str(space.root / "python" / package), quiet=1)
    compileall.compile_dir(str(RUNTIME), quiet=1, rx=_NODE)


def foreign_modules(dist: str = "contracts-toolkit") -> list[str]:
    """Top-level modules installed here whose distributions the runtime does not
    depend on (its requirements without extras, and theirs, recursively): what a
    service with the runtime alone would not have."""
    from importlib import metadata

    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name

    needed, todo = set(), [(dist, frozenset[str]())]
    while todo:
        name, extras = todo.pop()
        key = (canonicalize_name(name), extras)
        if key in needed:
            continue
        needed.add(key)
        try:
            requires = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue
        for line in requires:
            req = Requirement(line)
            if req.marker is None or any(
                req.marker.evaluate({"extra": e}) for e in extras or {""}
            ):
                todo.append((req.name, frozenset(req.extras)))
    kept = {name for name, _ in needed}
    return sorted(
        module
        for module, dists in metadata.packages_distributions().items()
        if module.isidentifier()
        and not any(canonicalize_name(d) in kept for d in dists)
    )


def _run(args: list[str]) -> dict[str, Any]:
    result = subprocess.run(args, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{args[0]} failed:\n{result.stdout}{result.stderr}")
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def run(
    work: Path, limit: int, rounds: int, reference: bool, name: str = "github-webhooks"
) -> dict[str, Any]:
    space = Workspace(work / "out")
    try:
        corpus, package = build(CORPORA[name](limit), work, space)
    except CorpusRefused as exc:
        return {
            "corpus": name,
            "refused": dict(Counter(e.code for e in exc.refusal.errors)),
            "reasons": exc.refusal.reasons(),
        }
    docs = work / "documents.json"
    docs.write_text(json.dumps([[d.contract, d.text] for d in corpus.documents]))
    _bytecode(space, package.name)
    python = _run(
        [
            sys.executable,
            str(CHILDREN),
            "--python-child",
            json.dumps([str(space.root / "python"), package.name, str(docs), rounds]),
        ]
    )
    node = _run([NODE, str(TIMING_JS), str(package.ts), str(docs), str(rounds)])
    # The first document again, in a child that has only the runtime's dependencies
    # (this environment's dev tools and format checkers hidden): a service's import.
    lone = work / "first.json"
    lone.write_text(
        json.dumps([[corpus.documents[0].contract, corpus.documents[0].text]])
    )
    lean = _run(
        [
            sys.executable,
            str(CHILDREN),
            "--block",
            json.dumps(foreign_modules()),
            "--python-child",
            json.dumps([str(space.root / "python"), package.name, str(lone), 0]),
        ]
    )
    python["first_lean_ms"] = lean["first_ms"]
    python["first_lean_cpu_ms"] = lean["first_cpu_ms"]
    node["first_lean_ms"], node["first_lean_cpu_ms"] = (
        node["first_ms"],
        node["first_cpu_ms"],
    )
    if True in python["valid"]:
        # The first document may be invalid (GitHub's is): the first validation
        # of a valid one too, each runtime in a fresh process again.
        first = corpus.documents[python["valid"].index(True)]
        one = work / "first-valid.json"
        one.write_text(json.dumps([[first.contract, first.text]]))
        for figures, args in (
            (
                python,
                [
                    sys.executable,
                    str(CHILDREN),
                    "--python-child",
                    json.dumps([str(space.root / "python"), package.name, str(one), 0]),
                ],
            ),
            (node, [NODE, str(TIMING_JS), str(package.ts), str(one), "0"]),
        ):
            again = _run(args)
            figures["first_valid_ms"] = again["first_ms"]
            figures["first_valid_cpu_ms"] = again["first_cpu_ms"]
    expected: list[bool | None] = [None] * len(corpus.documents)
    if reference:
        folder = work / ("prepared" if corpus.notes else "src")
        checks = {
            c: reference_validator(folder, c, aligned=True)
            for c in dict.fromkeys(d.contract for d in corpus.documents)
        }
        expected = [
            checks[d.contract].is_valid(json.loads(d.text)) for d in corpus.documents
        ]
    disagree = [
        d.name
        for d, p, n, r in zip(
            corpus.documents, python["valid"], node["valid"], expected, strict=True
        )
        if p != n or (r is not None and p != r)
    ]
    return {
        "corpus": corpus.name,
        "contracts": len(package.contracts),
        "notes": corpus.notes,
        "documents": len(corpus.documents),
        "valid": sum(python["valid"]),
        "reference": reference,
        "disagree": disagree,
        "python": {k: v for k, v in python.items() if k != "valid"},
        "node": {k: v for k, v in node.items() if k != "valid"},
    }


def per_document(figures: dict[str, Any], valid: int, documents: int) -> list[float]:
    """Mean milliseconds per document (all, valid, invalid) in the fastest round."""
    best = min(figures["rounds_ms"], key=sum)
    invalid = documents - valid
    return [
        sum(best) / documents,
        best[1] / valid if valid else 0.0,
        best[0] / invalid if invalid else 0.0,
    ]


def render(report: dict[str, Any]) -> str:
    if "refused" in report:
        codes = ", ".join(f"{c} {n}" for c, n in sorted(report["refused"].items()))
        return f"{report['corpus']}: refused ({codes}): {report['reasons'][:4]}"
    py, node = report["python"], report["node"]
    counts = report["valid"], report["documents"]
    py_docs, node_docs = per_document(py, *counts), per_document(node, *counts)
    checked = "Python and Node"
    if report["reference"]:
        checked = "Python, Node and jsonschema"
    lines = [
        f"{report['corpus']}: {report['documents']} documents,"
        f" {report['valid']} valid; {checked} agree on"
        f" {report['documents'] - len(report['disagree'])}",
        *[f"  note: {n}" for n in report["notes"]],
        f"{'':<24} {'Python':>10} {'Node':>10} {'Python/Node':>12}",
    ]
    for label, p, n in (
        ("import (ms)", py["import_ms"], node["import_ms"]),
        ("import, CPU (ms)", py["import_cpu_ms"], node["import_cpu_ms"]),
        ("first validation (ms)", py["first_ms"], node["first_ms"]),
        ("first validation, CPU", py["first_cpu_ms"], node["first_cpu_ms"]),
        ("first, runtime deps only", py["first_lean_ms"], node["first_lean_ms"]),
        ("  CPU", py["first_lean_cpu_ms"], node["first_lean_cpu_ms"]),
        ("first valid one (ms)", py.get("first_valid_ms"), node.get("first_valid_ms")),
        (
            "first valid one, CPU",
            py.get("first_valid_cpu_ms"),
            node.get("first_valid_cpu_ms"),
        ),
        ("per document (ms)", py_docs[0], node_docs[0]),
        ("per valid document", py_docs[1], node_docs[1]),
        ("per invalid document", py_docs[2], node_docs[2]),
    ):
        if p is None or n is None:
            continue
        ratio = f"{p / n:>11.2f}x" if n else f"{'-':>12}"
        lines.append(f"{label:<24} {p:>10.3f} {n:>10.3f} {ratio}")
    if report["disagree"]:
        lines.append(f"verdicts differ: {', '.join(report['disagree'][:20])}")
    synth = report.get("synthetic")
    if synth:
        lines.append(
            f"synthetic package ({synth['events']} events, {synth['classes']}"
            f" classes): every module imported in {synth['import_ms']:.0f} ms"
            f" ({synth['import_cpu_ms']:.0f} ms CPU);"
            f" first validation of {synth['contract']} alone"
            f" {synth['first_ms']:.1f} ms ({synth['first_cpu_ms']:.1f} ms CPU;"
            " import included)"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus",
        default="github-webhooks",
        choices=[*CORPORA, "all"],
        help="which corpus (all: each in turn)",
    )
    parser.add_argument("--limit", type=int, default=0, help="the first N documents")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--no-reference", action="store_true")
    parser.add_argument("--json", type=Path, help="write the report as JSON here")
    parser.add_argument(
        "--synthetic",
        type=int,
        default=120,
        help="events of the synthetic package to import (120: about 650 models)",
    )
    args = parser.parse_args(argv)
    names = list(CORPORA) if args.corpus == "all" else [args.corpus]
    reports = []
    for i, name in enumerate(names):
        with tempfile.TemporaryDirectory(prefix="corpus-speed-") as work:
            report = run(
                Path(work), args.limit, args.rounds, not args.no_reference, name
            )
            if args.synthetic and i == len(names) - 1:
                report["synthetic"] = synthetic(Path(work), args.synthetic)
        reports.append(report)
        print(render(report))
    if args.json:
        data = reports if len(reports) > 1 else reports[0]
        args.json.write_text(json.dumps(data, indent=1) + "\n")
    return 1 if any(r.get("disagree") for r in reports) else 0


if __name__ == "__main__":
    sys.exit(main())
