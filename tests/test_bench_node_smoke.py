"""The Node validation benchmark (benchmarks/node/validation.mjs, issue #14 (a)) runs
end to end on the generated package: a tiny run, its output shape checked (speed is
reported by the script, never asserted)."""

from __future__ import annotations

import json
import shutil
import subprocess

from tests.conftest import ROOT

BENCH = ROOT / "benchmarks" / "node"


def test_validation_benchmark_prints_its_ratio() -> None:
    npm = shutil.which("npm") or "npm"
    if not (BENCH / "node_modules" / "ajv-formats").is_dir():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=BENCH, check=True)
    done = subprocess.run(
        ["node", "validation.mjs", "--seconds", "0.05", "--rounds", "2"],
        cwd=BENCH,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("message: ") and lines[0].endswith("(order.created v1)")
    assert sum(line.startswith("bare Ajv 2020 + ajv-formats ") for line in lines) == 2
    assert any(line.startswith("ratio package / bare Ajv: ") for line in lines)
    result = json.loads(lines[-1])
    assert result["benchmark"] == "validation" and len(result["ratios"]) == 2
    assert all(r > 0 for r in result["ratios"])
