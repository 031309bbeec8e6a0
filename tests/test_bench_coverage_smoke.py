"""benchmarks/precompiled_coverage.py runs end to end on the repository and the
golden cases (no corpus): every repository contract has a precompiled validator,
and what is left to Ajv is listed with its reason."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

SCRIPT = ROOT / "benchmarks" / "precompiled_coverage.py"


def test_repository_and_golden_coverage_is_printed_with_reasons() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--corpus", "none"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    name, _, counts = lines[0].partition(": ")
    done_count, _, total = counts.removesuffix(" contracts precompiled").partition(
        " of "
    )
    assert name == "repository" and done_count == total and int(total) > 0
    at = lines.index("golden/meta_schema_refs: 14 of 24 contracts precompiled")
    assert lines[at + 1].split() == ["10", "$dynamicAnchor"]
