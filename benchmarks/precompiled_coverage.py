"""Which contracts get a precompiled validator (codegen/typescript/validators.py), and
why the others are left to Ajv: for the repository's schemas, every golden case and
each real-world corpus (benchmarks/corpora.py, prepared as corpus_speed.py prepares
them). Prints, per set, the contracts with a validator, those without, and the
reasons (the first Unmodelled each contract hits), most frequent first.

    python benchmarks/precompiled_coverage.py [--corpus NAME|all|none]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from pathlib import Path

if __package__ in (None, ""):  # run as a script: import from the repository root
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

from benchmarks.corpora import CORPORA
from benchmarks.corpus_speed import CorpusRefused, build
from benchmarks.differential import Workspace
from codegen.api import generate
from codegen.compiler import ir
from codegen.emit import Settings
from codegen.typescript.validators import modelled

ROOT = Path(__file__).resolve().parent.parent


def coverage(program: ir.Program, contracts: list[str]) -> tuple[int, Counter[str]]:
    """How many of ``contracts`` are modelled, and the reasons of the others."""
    by_uri = {b.uri.rstrip("#"): b for b in program.bundles}
    why = modelled(by_uri, contracts)
    reasons = Counter(reason.rsplit(": ", 1)[-1] for reason in why.values())
    return len(contracts) - len(why), reasons


def contracts_of(program: ir.Program) -> list[str]:
    return [c.id for c in program.contracts]


def report(name: str, program: ir.Program) -> None:
    contracts = contracts_of(program)
    done, reasons = coverage(program, contracts)
    print(f"{name}: {done} of {len(contracts)} contracts precompiled")
    for reason, n in reasons.most_common():
        print(f"  {n:5d}  {reason}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default="all", help="a corpus, all or none")
    args = parser.parse_args()
    report("repository", generate(ROOT / "schemas", Settings()).program)
    for case in sorted((ROOT / "tests" / "golden").iterdir()):
        if (case / "schemas").is_dir() and (case / "samples.json").is_file():
            settings = Settings(python_package="golden_pkg")
            report(f"golden/{case.name}", generate(case / "schemas", settings).program)
    names = [] if args.corpus == "none" else list(CORPORA)
    if args.corpus not in ("all", "none"):
        names = [args.corpus]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        space = Workspace(work / "space")
        for name in names:
            try:
                corpus, _ = build(CORPORA[name](), work / name, space)
            except CorpusRefused as exc:
                print(f"{name}: refused by the compiler ({len(exc.refusal.errors)})")
                continue
            settings = Settings(python_package="bench_corpus")
            folder = work / name / "schemas-again"
            report(name, generate(corpus.write(folder), settings).program)


if __name__ == "__main__":
    main()
