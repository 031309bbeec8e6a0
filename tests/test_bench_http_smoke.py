"""The HTTP benchmark runs end to end (a smoke run; speed is not asserted)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = ROOT / "benchmarks" / "http.py"


def test_quick_run_prints_the_two_ratios() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick"],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    for name in ("starlette", "fastapi"):
        assert any(line.startswith(f"ratio {name} ") for line in lines), done.stdout
