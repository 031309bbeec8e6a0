"""The Python children of ``benchmarks/corpus_speed.py``, each run in a fresh
interpreter: the figures of one generated package, as one JSON line.

Only the standard library is imported here, then the runtime, as a service
imports it: a first validation that words a refusal imports ``jsonschema`` itself
and that import is timed with it. (The children were in corpus_speed.py, whose
imports, the compiler and ``jsonschema`` for the reference verdicts, were loaded
before any timing, which hid that import from the first refused message.)

    python benchmarks/corpus_children.py --python-child JSON
    python benchmarks/corpus_children.py --import-child ROOT PACKAGE
    python benchmarks/corpus_children.py --first-child ROOT PACKAGE CONTRACT

``--block JSON`` hides top-level modules first (``corpus_speed.foreign_modules``:
those of distributions the runtime does not depend on), so a child imports what a
service with the runtime alone would.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: the runtime of this repository
    sys.path[0] = str(Path(__file__).resolve().parent.parent)


def python_child(root: str, package: str, docs: str, rounds: int) -> None:
    """In a fresh interpreter: the Python figures, as one JSON line. ``docs``
    holds ``[contract, JSON text]`` pairs; the first contract's module is the one
    whose import is timed."""
    sys.path.insert(0, root)
    from importlib import import_module

    from runtime import Contracts, ContractViolation

    contracts = Contracts(package)
    pairs = [(c, t.encode()) for c, t in json.loads(Path(docs).read_text("utf-8"))]
    validators = {c: contracts.get(c) for c in dict.fromkeys(c for c, _ in pairs)}
    module = validators[pairs[0][0]]._module
    started, cpu = time.perf_counter(), time.process_time()
    import_module(f"{package}.{module}")
    import_s = time.perf_counter() - started
    import_cpu = time.process_time() - cpu

    def verdict(contract: str, text: bytes) -> bool:
        try:
            validators[contract].validate_json(text)
        except ContractViolation:
            return False
        return True

    started, cpu = time.perf_counter(), time.process_time()
    verdict(*pairs[0])
    first_s = time.perf_counter() - started
    first_cpu = time.process_time() - cpu
    valid = [verdict(*p) for p in pairs]
    rounds_ms: list[list[float]] = []
    for _ in range(rounds):
        spent = [0.0, 0.0]  # invalid, valid
        for pair, ok in zip(pairs, valid, strict=True):
            started = time.perf_counter()
            verdict(*pair)
            spent[ok] += time.perf_counter() - started
        rounds_ms.append([x * 1000 for x in spent])
    figures = {
        "import_ms": import_s * 1000,
        "first_ms": first_s * 1000,
        "import_cpu_ms": import_cpu * 1000,
        "first_cpu_ms": first_cpu * 1000,
        "rounds_ms": rounds_ms,
        "valid": valid,
    }
    print(json.dumps(figures))


def import_child(root: str, package: str) -> None:
    """In a fresh interpreter: import every module of a package (every model), and
    in another, the first validation of one contract; one JSON line."""
    sys.path.insert(0, root)
    from importlib import import_module

    from runtime import Contracts

    contracts = Contracts(package)
    modules = sorted({e["module"] for e in contracts.manifest["contracts"]})
    started, cpu = time.perf_counter(), time.process_time()
    loaded = [import_module(f"{package}.{m}") for m in modules]
    import_s = time.perf_counter() - started
    import_cpu = time.process_time() - cpu
    classes = sum(
        isinstance(v, type) and v.__module__ == m.__name__
        for m in loaded
        for v in vars(m).values()
    )
    print(
        json.dumps(
            {
                "import_ms": import_s * 1000,
                "import_cpu_ms": import_cpu * 1000,
                "classes": classes,
            }
        )
    )


def first_child(root: str, package: str, contract: str) -> None:
    sys.path.insert(0, root)
    from runtime import Contracts, ContractViolation

    validator = Contracts(package).get(contract)
    started, cpu = time.perf_counter(), time.process_time()
    try:
        validator.validate_json(b"{}")
    except ContractViolation:
        pass
    spent = time.perf_counter() - started
    print(
        json.dumps(
            {
                "first_ms": spent * 1000,
                "first_cpu_ms": (time.process_time() - cpu) * 1000,
            }
        )
    )


def _block(names: list[str]) -> None:
    """Make these top-level modules unimportable, as if their distributions were not
    installed: a service that installed the runtime alone does not have the format
    checkers and tools this repository's dev environment adds (``jsonschema`` imports
    every format checker it finds, ``arrow`` among them, when it is imported)."""
    for name in names:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--block", default="[]", help="JSON list of top-level modules to hide"
    )
    parser.add_argument("--python-child", help="[root, package, docs, rounds]")
    parser.add_argument("--import-child", nargs=2)
    parser.add_argument("--first-child", nargs=3)
    args = parser.parse_args(argv)
    _block(json.loads(args.block))
    if args.python_child:
        python_child(*json.loads(args.python_child))
    elif args.import_child:
        import_child(*args.import_child)
    elif args.first_child:
        first_child(*args.first_child)
    else:
        parser.error("one of --python-child, --import-child, --first-child")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
