"""The regex benchmark runs end to end (a smoke run; speed is not asserted)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = ROOT / "benchmarks" / "regex.py"


def test_quick_run_prints_agreement_and_ratios() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--repeat", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    # a first run may print that it installs the Node tools before the report
    start = next(i for i, line in enumerate(lines) if line.startswith("patterns "))
    assert lines[start + 1].startswith("agreement with V8 on ")
    assert "differs:" not in done.stdout, done.stdout  # 100% on the quick set
    assert sum(line.startswith("ratio python-vs-re ") for line in lines) == 4
