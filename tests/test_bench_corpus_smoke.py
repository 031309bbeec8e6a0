"""The real-world corpus benchmark runs end to end (a smoke run on a few documents;
speed is not asserted): Python, Node and the reference agree on every verdict."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = ROOT / "benchmarks" / "corpus_speed.py"


def test_a_tiny_run_prints_the_ratios_and_agrees() -> None:
    done = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            "--limit",
            "4",
            "--rounds",
            "1",
            "--synthetic",
            "3",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert "4 documents" in lines[0] and "agree on 4" in lines[0], done.stdout
    for label in ("import (ms)", "first validation (ms)", "per document (ms)"):
        assert any(line.startswith(label) and line.endswith("x") for line in lines)
    assert any(line.startswith("synthetic package (3 events") for line in lines)
