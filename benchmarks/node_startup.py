"""Node benchmark (b) of issue #14: import of a generated package and the first
validation of one of its contracts, for packages of 20 and 500 contracts.

Each measurement is a fresh ``node`` process (benchmarks/node/startup.mjs) on a
package generated here from the synthetic set (benchmarks/synth.py) into
benchmarks/node/build/ (so it resolves ajv and re2js from benchmarks/node): the
package's import time (its index, which imports every module) and the first
``contract(id).is(value)`` of one event contract; beside it the peer, bare Ajv 2020
importing, adding the same bundled schemas and compiling that contract. Printed:
min and median of ``--runs`` processes each, the goals (first validation under 5 ms,
import of 500 contracts under 300 ms) and the ratios. Speed is reported, never
asserted.

    .venv/bin/python benchmarks/node_startup.py [--sizes 20 500] [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.npm import npm_ci  # noqa: E402
from benchmarks.synth import write_set  # noqa: E402
from codegen.api import generate_to  # noqa: E402
from codegen.emit import Settings  # noqa: E402

BENCH = ROOT / "benchmarks" / "node"


def measure(pkg: Path, contract: str, sample: Path, which: str) -> dict[str, float]:
    done = subprocess.run(
        ["node", str(BENCH / "startup.mjs"), str(pkg), contract, str(sample), which],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(done.stdout)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[20, 500])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    npm_ci(BENCH)
    for size in args.sizes:
        work = BENCH / "build" / f"startup-{size}"
        shutil.rmtree(work, ignore_errors=True)
        write_set(work / "schemas", size)
        generate_to(work / "schemas", work / "out", Settings())
        pkg = work / "out" / "ts"
        manifest = json.loads((pkg / "manifest.json").read_text())
        contract = next(c["contract"] for c in manifest["contracts"] if c["type"])
        sample = work / "sample.json"
        sample.write_text("{}")
        rows: dict[str, list[dict[str, float]]] = {"ours": [], "peer": []}
        for _ in range(args.runs):
            for which in rows:
                rows[which].append(measure(pkg, contract, sample, which))
        line = [f"{size} contracts ({contract}):"]
        for which, runs in rows.items():
            for key in ("import_ms", "first_ms"):
                values = [r[key] for r in runs]
                line.append(
                    f"{which} {key} min {min(values):.1f} median"
                    f" {statistics.median(values):.1f}"
                )
        print("\n  ".join(line))
        ours = statistics.median(r["first_ms"] for r in rows["ours"])
        peer = statistics.median(r["first_ms"] for r in rows["peer"])
        print(
            f"  ratio first validation package / bare Ajv compile: {ours / peer:.2f}x"
        )
        imported = statistics.median(r["import_ms"] for r in rows["ours"])
        print(
            f"  goals: first validation {ours:.1f} ms (< 5 ms),"
            f" import {imported:.1f} ms (< 300 ms for 500)"
        )
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
